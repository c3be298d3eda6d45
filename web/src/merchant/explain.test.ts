import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type FieldError } from '../core/api';
import { setLocale } from '../i18n';
import { eventText, fieldErrorText, problemText, smsFailureText } from './explain';
import type { InvoiceDoc, InvoiceEventDoc } from './types';

const invoice = (over: Partial<InvoiceDoc> = {}) =>
  ({
    id: 'inv_1',
    status: 'partially_refunded',
    amount: 12900,
    amountRefunded: 7900,
    currency: 'NOK',
    sms: { status: 'delivered' },
    transaction: { id: 'txn_1', method: 'card', status: 'succeeded' },
    ...over,
  }) as InvoiceDoc;
const event = (type: string, data: Record<string, unknown>, callbackEventId: string | null = null) => ({ id: 'e1', type, data, createdAt: null, callbackEventId }) as InvoiceEventDoc;
const problem = (status: number, code: string, detail: string, errors?: FieldError[]) => new ApiError(status, { status, code, detail, errors });

/** Intl puts no-break spaces in money; compare with plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

afterEach(() => setLocale('en'));

describe('timeline entries in words', () => {
  const failed = event('invoice.payment_failed', { transactionId: 'txn_9', method: 'card', failureCode: 'card_declined', failureMessage: 'Your card was declined.' }, 'evt_3');

  it('a declined card, with the transaction and callback event to link to (en)', () => {
    expect(eventText(failed, invoice())).toEqual({ title: 'Payment failed', detail: 'Card declined: Your card was declined.', transactionId: 'txn_9', callbackEventId: 'evt_3' });
  });

  it('the same in Norwegian, translated by failureCode rather than the server’s English', () => {
    setLocale('nb');
    expect(eventText(failed, invoice())).toMatchObject({ title: 'Betalingen mislyktes', detail: 'Kortet ble avvist: Kortet ditt ble avvist.' });
  });

  it('a phone decline says what the phone subscription lacks; an unknown code keeps the server’s message', () => {
    expect(eventText(event('invoice.payment_failed', { method: 'phone', failureCode: 'insufficient_funds', failureMessage: 'x' }), invoice()).detail).toBe(
      'Insufficient funds: The phone subscription has insufficient funds.',
    );
    expect(eventText(event('invoice.payment_failed', { method: 'card', failureCode: 'weird_code', failureMessage: 'Odd.' }), invoice()).detail).toBe('Failed (weird_code): Odd.');
  });

  it('refunds and payments in money, never minor units or key: value pairs', () => {
    expect(plain(eventText(event('invoice.refunded', { refundId: 'rf_1', amount: 5000, total: 7900 }), invoice()).detail)).toBe('NOK 50.00 refunded, NOK 79.00 in all.');
    expect(eventText(event('invoice.paid', { transactionId: 'txn_1', method: 'card', provider: 'sandbox' }), invoice()).detail).toBe('Paid with card (sandbox).');
    expect(eventText(event('invoice.sms.sent', { messageId: 'sms_1' }), invoice()).detail).toBe('');
  });

  it('SMS failures by code: STOP, provider codes, the invoice’s state', () => {
    expect(smsFailureText('opted_out')).toBe('The number has opted out of your SMS (replied STOP).');
    expect(smsFailureText('30005')).toBe('The number is unknown or no longer in use.');
    expect(smsFailureText('invoice_cancelled')).toBe('Not sent: the invoice is cancelled.');
    setLocale('nb');
    expect(smsFailureText('opted_out')).toBe('Nummeret har reservert seg mot SMS fra deg (svarte STOPP).');
  });
});

describe('API problems by code', () => {
  it('a refund of more than is left names the amount in money (Intl), not minor units', () => {
    const error = problem(400, 'invalid_request', 'At most 5000 can be refunded.', [{ field: 'amount', code: 'too_big', minimum: 1, maximum: 5000, message: 'Must be between 1 and 5000.' }]);
    expect(plain(problemText(error, { action: 'refund', invoice: invoice() }))).toBe('At most NOK 50.00 can be refunded.');
    setLocale('nb');
    expect(plain(problemText(error, { action: 'refund', invoice: invoice() }))).toBe('Høyst 50,00 kr kan refunderes.');
  });

  it('a state conflict names the status as a word, not a raw value like partially_refunded', () => {
    const error = problem(409, 'invalid_state', 'Only a paid invoice can be refunded; this one is partially_refunded.');
    expect(problemText(error, { action: 'refund', invoice: invoice() })).toBe('Only a paid invoice can be refunded; this one is partially refunded.');
    expect(problemText(problem(409, 'invalid_state', 'x'), { action: 'cancel', invoice: invoice({ status: 'paid' }) })).toBe('An invoice that is paid cannot be cancelled.');
    setLocale('nb');
    expect(problemText(problem(409, 'invalid_state', 'x'), { action: 'cancel', invoice: invoice({ status: 'paid' }) })).toBe('En faktura som er betalt, kan ikke kanselleres.');
  });

  it('STOP, rate limits, roles and the network in the dashboard’s language', () => {
    expect(problemText(problem(409, 'invalid_state', 'x'), { action: 'resend', invoice: invoice({ status: 'undelivered', sms: { status: 'opted_out' } }) })).toBe(
      'The payer has opted out of your SMS (replied STOP).',
    );
    setLocale('nb');
    expect(problemText(problem(429, 'rate_limited', 'x'), { action: 'resend', invoice: invoice({ status: 'sent' }) })).toMatch(/^SMS-en er nettopp sendt på nytt/);
    expect(problemText(problem(403, 'forbidden', 'Owners only.'))).toBe('Rollen din kan ikke gjøre dette. Spør en eier.');
    expect(problemText(new ApiError(0, null, 'network'))).toBe('Får ikke kontakt med serveren. Sjekk nettforbindelsen og prøv igjen.');
  });
});

describe('fieldErrorText', () => {
  const fe = (e: Omit<FieldError, 'message'>): FieldError => ({ message: 'English', ...e });
  it('says each field error in Norwegian, by its code and limits', () => {
    setLocale('nb');
    expect(fieldErrorText(fe({ field: 'amount', code: 'required' }))).toBe('Må fylles ut.');
    expect(fieldErrorText(fe({ field: 'description', code: 'too_small', minimum: 1, unit: 'characters' }))).toBe('Kan ikke være tom.');
    expect(fieldErrorText(fe({ field: 'amount', code: 'too_small', minimum: 0, inclusive: false }))).toBe('Må være større enn 0.');
    expect(fieldErrorText(fe({ field: 'invoices', code: 'too_big', maximum: 10000, unit: 'rows' }))).toBe('Høyst 10000 rader.');
    expect(fieldErrorText(fe({ field: '(body)', code: 'too_big', maximum: 20_000_000, unit: 'bytes' }))).toBe('Høyst 20 MB.');
    expect(fieldErrorText(fe({ field: 'sms.text', code: 'too_big', maximum: 10, unit: 'segments' }))).toBe('SMS-en blir for lang: høyst 10 SMS-deler.');
    expect(fieldErrorText(fe({ field: 'amount', code: 'invalid_type', expected: 'int' }))).toBe('Må være et heltall i minste enhet (øre).');
    expect(fieldErrorText(fe({ field: 'payer.locale', code: 'invalid_value', values: ['en', 'nb'] }))).toBe('Må være en av disse: en, nb.');
    expect(fieldErrorText(fe({ field: 'reference', code: 'duplicate', row: 2 }))).toBe('Samme som rad 2.');
    expect(fieldErrorText(fe({ field: 'expiresAt', code: 'too_late', maximum: 90, unit: 'days' }))).toBe('Må være innen 90 dager.');
    expect(fieldErrorText(fe({ field: 'sendAt', code: 'too_late', other: 'expiresAt' }))).toBe('Må være før utløpstidspunktet.');
    expect(fieldErrorText(fe({ field: 'paymentMethods', code: 'unavailable', values: ['phone'] }))).toBe('Kan ikke tilbys nå: mobilregning.');
    expect(fieldErrorText(fe({ field: 'paymentMethods', code: 'requires_nok' }))).toBe('Betaling med mobilregning finnes bare i NOK.');
    expect(fieldErrorText(fe({ field: 'phone', code: 'unknown_column', other: 'payer.phone' }))).toBe('Ukjent kolonne. Bruk «payer.phone».');
  });

  it('falls back to the server’s English for a code it does not know', () => {
    setLocale('nb');
    expect(fieldErrorText({ field: 'x', code: 'brand_new' as FieldError['code'], message: 'Something new.' })).toBe('Something new.');
  });

  it('puts the field errors of an invalid_request into the problem text, in Norwegian', () => {
    setLocale('nb');
    const error = problem(400, 'invalid_request', 'The request body is invalid: payer.phone.', [{ field: 'payer.phone', code: 'invalid_phone', message: 'Not a valid phone number.' }]);
    expect(problemText(error)).toContain('payer.phone: Ikke et gyldig telefonnummer.');
    expect(problemText(error)).not.toContain('Not a valid');
  });
});
