import { minorUnitDigits, toMajorUnits } from '../i18n/format';
import type { InvoiceDoc } from './types';

export const CSV_COLUMNS = [
  'id',
  'reference',
  'status',
  'amount',
  'currency',
  'amount_refunded',
  'description',
  'payer_phone',
  'payer_name',
  'sms_status',
  'created_at',
  'opened_at',
  'paid_at',
  'expires_at',
] as const;

type Stamp = { toDate(): Date } | null | undefined;
const iso = (value: Stamp): string => (value && typeof value.toDate === 'function' ? value.toDate().toISOString() : '');

/** Amount in minor units → major units with the currency's digits ("129.00", "1500" for JPY). */
export function majorAmount(amount: number | undefined, currency: string): string {
  if (typeof amount !== 'number') return '';
  try {
    return toMajorUnits(amount, currency).toFixed(minorUnitDigits(currency));
  } catch {
    return (amount / 100).toFixed(2);
  }
}

/** RFC 4180 quoting; free text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string, freeText = false): string {
  let text = value;
  if (freeText && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function invoiceCsvRow(invoice: InvoiceDoc): string {
  const cells: [string, boolean][] = [
    [invoice.id, false],
    [invoice.reference ?? '', true],
    [invoice.status, false],
    [majorAmount(invoice.amount, invoice.currency), false],
    [invoice.currency, false],
    [majorAmount(invoice.amountRefunded ?? 0, invoice.currency), false],
    [invoice.description ?? '', true],
    [invoice.payer?.phone ?? '', false],
    [invoice.payer?.name ?? '', true],
    [invoice.sms?.status ?? '', false],
    [iso(invoice.createdAt), false],
    [iso(invoice.openedAt), false],
    [iso(invoice.paidAt), false],
    [iso(invoice.expiresAt), false],
  ];
  return cells.map(([value, free]) => csvCell(value, free)).join(',');
}

/** The whole file: header and one line per invoice, CRLF line ends (RFC 4180). */
export function invoicesCsv(invoices: InvoiceDoc[]): string {
  return [CSV_COLUMNS.join(','), ...invoices.map(invoiceCsvRow)].join('\r\n') + '\r\n';
}

/** Offers `text` as a file download (a UTF-8 BOM so spreadsheets read æøå right). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
