import { defineString, defineInt } from 'firebase-functions/params';

/** Every setting and secret the functions read, declared once (see the spec's "Configuration"). */
export const PUBLIC_BASE_URL = defineString('PUBLIC_BASE_URL', {
  default: 'http://127.0.0.1:5000',
  description: 'Origin the payer opens pay links on (Hosting).',
});
export const SMS_PROVIDER = defineString('SMS_PROVIDER', {
  default: 'outbox',
  input: { select: { options: [{ value: 'outbox' }, { value: 'twilio' }] } },
});
export const CARD_PROVIDER = defineString('CARD_PROVIDER', {
  default: 'sandbox',
  input: { select: { options: [{ value: 'sandbox' }, { value: 'stripe' }] } },
});
export const PHONE_BILLING_PROVIDER = defineString('PHONE_BILLING_PROVIDER', {
  default: 'sandbox',
  input: { select: { options: [{ value: 'sandbox' }, { value: 'strex' }] } },
});
/** Seconds between an outbox SMS and its simulated delivery receipt. */
export const OUTBOX_DELIVERY_DELAY_SECONDS = defineInt('OUTBOX_DELIVERY_DELAY_SECONDS', { default: 2 });

/** True when running on the local emulators, where the dev endpoints and loopback callbacks exist. */
export function isEmulator(): boolean {
  return process.env.FUNCTIONS_EMULATOR === 'true';
}

/** Comma-separated seconds between callback attempts; empty means the spec's schedule. Tests shorten it. */
export const CALLBACK_RETRY_SCHEDULE_SECONDS = defineString('CALLBACK_RETRY_SCHEDULE_SECONDS', { default: '' });
