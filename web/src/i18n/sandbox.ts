import { pageMessages } from './index';

/** The sandbox checkout’s own messages, in the page's lazy chunk rather than the pay page's entry (see `pageMessages`). */
const en = {
  'sandbox.title': 'Test card checkout',
  'sandbox.payTo': 'Pay {merchant}',
  'sandbox.cardNumber': 'Card number',
  'sandbox.expiry': 'Expiry (optional)',
  'sandbox.cvc': 'CVC (optional)',
  'sandbox.pay': 'Pay',
  'sandbox.paying': 'Paying…',
  'sandbox.cancel': 'Cancel',
  'sandbox.testCards': 'Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.',
  'sandbox.invalidCard': 'Enter a card number.',
  'sandbox.complete': 'This checkout is already complete.',
  'sandbox.expired': 'This checkout has expired.',
  'sandbox.notFound': 'This checkout does not exist.',
  'sandbox.closed': 'This checkout is no longer open. Go back and start again.',
  'sandbox.continue': 'Continue',
} as const;

const nb: Record<keyof typeof en, string> = {
  'sandbox.title': 'Testbetaling med kort',
  'sandbox.payTo': 'Betal til {merchant}',
  'sandbox.cardNumber': 'Kortnummer',
  'sandbox.expiry': 'Utløpsdato (valgfritt)',
  'sandbox.cvc': 'CVC (valgfritt)',
  'sandbox.pay': 'Betal',
  'sandbox.paying': 'Betaler …',
  'sandbox.cancel': 'Avbryt',
  'sandbox.testCards': 'Testkort: 4242 4242 4242 4242 blir godkjent, 4000 0000 0000 0002 blir avvist.',
  'sandbox.invalidCard': 'Skriv inn et kortnummer.',
  'sandbox.complete': 'Denne betalingen er allerede gjennomført.',
  'sandbox.expired': 'Tiden for denne betalingen har gått ut.',
  'sandbox.notFound': 'Denne betalingen finnes ikke.',
  'sandbox.closed': 'Denne betalingen er ikke lenger åpen. Gå tilbake og start på nytt.',
  'sandbox.continue': 'Fortsett',
};

export type SandboxMessageKey = keyof typeof en;
export const st = pageMessages(en, nb);
