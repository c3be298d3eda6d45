import { defineInt, defineSecret, defineString } from 'firebase-functions/params';

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

export const STRIPE_SECRET_KEY = defineSecret('STRIPE_SECRET_KEY');
export const STRIPE_WEBHOOK_SECRET = defineSecret('STRIPE_WEBHOOK_SECRET');
/** Test mode's Stripe (an `sk_test_` key and its endpoint's signing secret); any other value means none. */
export const STRIPE_TEST_SECRET_KEY = defineSecret('STRIPE_TEST_SECRET_KEY');
export const STRIPE_TEST_WEBHOOK_SECRET = defineSecret('STRIPE_TEST_WEBHOOK_SECRET');
/** The signing secrets of the Connect webhook endpoints (events on merchants' connected accounts), live and test. */
export const STRIPE_CONNECT_WEBHOOK_SECRET = defineSecret('STRIPE_CONNECT_WEBHOOK_SECRET');
export const STRIPE_TEST_CONNECT_WEBHOOK_SECRET = defineSecret('STRIPE_TEST_CONNECT_WEBHOOK_SECRET');
/** Only tests set this: the origin of a fake Stripe API on 127.0.0.1. */
export const STRIPE_API_BASE_URL = defineString('STRIPE_API_BASE_URL', { default: '' });

export const TWILIO_ACCOUNT_SID = defineString('TWILIO_ACCOUNT_SID', { default: '' });
export const TWILIO_AUTH_TOKEN = defineSecret('TWILIO_AUTH_TOKEN');
export const TWILIO_FROM = defineString('TWILIO_FROM', { default: '' });
export const TWILIO_MESSAGING_SERVICE_SID = defineString('TWILIO_MESSAGING_SERVICE_SID', { default: '' });

export const STREX_API_KEY = defineSecret('STREX_API_KEY');
export const STREX_MERCHANT_ID = defineString('STREX_MERCHANT_ID', { default: '' });
export const STREX_SHORT_NUMBER = defineString('STREX_SHORT_NUMBER', { default: '' });
export const STREX_SERVICE_CODE = defineString('STREX_SERVICE_CODE', { default: '14002' });
export const STREX_BASE_URL = defineString('STREX_BASE_URL', { default: 'https://test.target365.io' });

/** The secrets each kind of function may need, bound where they are used. */
export const CARD_SECRETS = [STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_TEST_SECRET_KEY, STRIPE_TEST_WEBHOOK_SECRET, STRIPE_CONNECT_WEBHOOK_SECRET, STRIPE_TEST_CONNECT_WEBHOOK_SECRET];
export const SMS_SECRETS = [TWILIO_AUTH_TOKEN];
export const PHONE_SECRETS = [STREX_API_KEY];
