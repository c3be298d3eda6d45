import type { Timestamp } from 'firebase/firestore';
import { formatDateTime, formatMoney } from '../i18n/format';

export function money(amount: number | undefined, currency: string | undefined): string {
  return typeof amount === 'number' && currency ? formatMoney(amount, currency) : '';
}

export function when(value: Timestamp | null | undefined): string {
  return value ? formatDateTime(value.toDate()) : '';
}

export function isoOf(value: Timestamp | null | undefined): string | undefined {
  return value ? value.toDate().toISOString() : undefined;
}
