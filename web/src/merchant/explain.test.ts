import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../core/api';
import { setLocale } from '../i18n';
import { eventText, problemText, smsFailureText } from './explain';
import type { InvoiceDoc, InvoiceEventDoc } from './types';

const invoice = (over: Partial<InvoiceDoc> = {}) =>
  ({ id: 'inv_1', status: 'partially_refunded', amount: 12900, amountRefunded: 7900, currency: 'NOK', sms: { status: 'delivered' }, transaction: { id: 'txn_1', method: 'card', status: 'succeeded' }, ...over }) as InvoiceDoc;
const event = (type: string, data: Record<string, unknown>, callbackEventId: string | null = null) => ({ id: 'e1', type, data, createdAt: null, callbackEventId }) as InvoiceEventDoc;
const problem = (status: number, code: string, detail: string, errors?: { field: string; message: string }[]) => new ApiError(status, { status, code, detail, errors });

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
    expect(eventText(failed, invoice())).toMatchObject({ title: 'Betaling feilet', detail: 'Kortet ble avvist: Kortet ditt ble avvist.' });
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
    const error = problem(400, 'invalid_request', 'At most 5000 can be refunded.', [{ field: 'amount', message: 'Must be between 1 and 5000.' }]);
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
    expect(problemText(problem(429, 'rate_limited', 'x'), { action: 'resend', invoice: invoice({ status: 'sent' }) })).toMatch(/^SMS-en ble nylig sendt/);
    expect(problemText(problem(403, 'forbidden', 'Owners only.'))).toBe('Rollen din kan ikke gjøre dette. Spør en eier.');
    expect(problemText(new ApiError(0, null, 'network'))).toBe('Får ikke kontakt med serveren. Sjekk nettforbindelsen og prøv igjen.');
  });
});
