import { describe, expect, it } from 'vitest';
import { createInvoiceSchema, parseOrThrow } from './schemas';
import { DomainError } from './errors';

const valid = {
  amount: 12900,
  currency: 'NOK',
  description: 'Pizza',
  payer: { phone: '+4791234567' },
};

function fieldsOf(body: unknown): string[] {
  try {
    parseOrThrow(createInvoiceSchema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return ((error as DomainError).options.errors ?? []).map((e) => e.field);
  }
  throw new Error('expected a validation error');
}

describe('createInvoiceSchema', () => {
  it('accepts a minimal invoice', () => {
    expect(parseOrThrow(createInvoiceSchema, valid).amount).toBe(12900);
  });

  it.each([
    [{ ...valid, amount: -1 }, 'amount'],
    [{ ...valid, amount: 10.5 }, 'amount'],
    [{ ...valid, amount: '100' }, 'amount'],
    [{ ...valid, currency: 'nok' }, 'currency'],
    [{ ...valid, currency: 'XYZ' }, 'currency'],
    [{ ...valid, payer: { phone: '91234567' } }, 'payer.phone'],
    [{ ...valid, payer: { phone: '+4700000000' } }, 'payer.phone'],
    [{ ...valid, sms: { text: 'Pay now' } }, 'sms.text'],
    [{ ...valid, paymentMethods: ['card', 'cash'] }, 'paymentMethods.1'],
    [{ ...valid, returnUrl: 'javascript:alert(1)' }, 'returnUrl'],
    [{ ...valid, description: 'x'.repeat(201) }, 'description'],
    [{ ...valid, reference: 'r'.repeat(65) }, 'reference'],
    [{ ...valid, colour: 'red' }, 'colour'],
    [{ ...valid, expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
  ])('names the bad field %#', (body, field) => {
    expect(fieldsOf(body)).toContain(field);
  });

  it('reports missing fields as required', () => {
    expect(fieldsOf({})).toEqual(expect.arrayContaining(['amount', 'currency', 'description', 'payer']));
  });
});

function errorsOf(body: unknown): Record<string, string> {
  try {
    parseOrThrow(createInvoiceSchema, body);
  } catch (error) {
    return Object.fromEntries(((error as DomainError).options.errors ?? []).map((e) => [e.field, e.message]));
  }
  throw new Error('expected a validation error');
}

describe('validation messages', () => {
  it('say what is wrong with a value of the wrong type, not "Required."', () => {
    const errors = errorsOf({
      amount: 'abc',
      currency: 5,
      description: 7,
      payer: { phone: 4791234567, name: 3 },
      paymentMethods: 'card',
      sms: 'x'.repeat(40),
      metadata: { order: 1 },
      reminders: { afterHours: ['x'] },
    });
    expect(errors).toEqual({
      amount: 'Must be an integer amount in the currency’s minor unit, not "abc".',
      currency: 'Must be an ISO 4217 currency code, e.g. NOK, not a number.',
      description: 'Must be a string, not a number.',
      'payer.phone': 'Must be a phone number in E.164 form, e.g. +4791234567, not a number.',
      'payer.name': 'Must be a string, not a number.',
      paymentMethods: 'Must be a list, not "card".',
      sms: 'Must be an object, not a string.',
      'metadata.order': 'Must be a string, not a number.',
      'reminders.afterHours.0': 'Hours as a number, not "x".',
    });
    for (const message of Object.values(errors)) expect(message).not.toBe('Required.');
  });

  it('says a fractional amount is not an integer', () => {
    expect(errorsOf({ ...valid, amount: 12.5 }).amount).toBe('Must be an integer in the currency’s minor unit (e.g. øre, cents), not 12.5.');
  });

  it('says "Required." only for a field that is missing', () => {
    expect(errorsOf({ currency: 'NOK', payer: {}, amount: null })).toEqual({
      amount: 'Must be an integer amount in the currency’s minor unit, not null.',
      description: 'Required.',
      'payer.phone': 'Required.',
    });
  });

  it('names the root when the body is not an object', () => {
    expect(errorsOf([])).toEqual({ '(root)': 'Must be an object, not a list.' });
  });
});

/** `{ field: {code, …params} }` of a refused body, without the English message. */
function codesOf(body: unknown): Record<string, Record<string, unknown>> {
  try {
    parseOrThrow(createInvoiceSchema, body);
  } catch (error) {
    return Object.fromEntries(((error as DomainError).options.errors ?? []).map(({ field, message: _message, ...rest }) => [field, rest]));
  }
  throw new Error('expected a validation error');
}

describe('field error codes', () => {
  it('give every field error a stable code and the limits a translation needs', () => {
    expect(
      codesOf({
        amount: 0,
        currency: 'XYZ',
        description: 'x'.repeat(201),
        payer: { phone: '+4712' },
        paymentMethods: ['card', 'card'],
        reference: '',
        colour: 'red',
      }),
    ).toEqual({
      amount: { code: 'too_small', minimum: 0, inclusive: false },
      currency: { code: 'invalid_currency' },
      description: { code: 'too_big', maximum: 200, unit: 'characters' },
      'payer.phone': { code: 'invalid_phone' },
      paymentMethods: { code: 'duplicate' },
      reference: { code: 'too_small', minimum: 1, unit: 'characters' },
      colour: { code: 'unknown_field' },
    });
  });

  it('name missing fields, wrong types, bad formats, enums and dates', () => {
    expect(codesOf({ amount: '12', currency: 'nok', payer: { phone: '4791234567', locale: 'de' }, expiresAt: 'soon', sms: { text: 'Pay now' } })).toEqual({
      amount: { code: 'invalid_type', expected: 'number' },
      currency: { code: 'invalid_currency' },
      description: { code: 'required' },
      'payer.phone': { code: 'invalid_phone' },
      'payer.locale': { code: 'invalid_value', values: ['en', 'nb'] },
      expiresAt: { code: 'invalid_date' },
      'sms.text': { code: 'missing_placeholder' },
    });
  });

  it('say how far in the future a date may be', () => {
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    expect(codesOf({ ...valid, expiresAt: inDays(91), sendAt: inDays(-1) })).toEqual({
      expiresAt: { code: 'too_late', maximum: 90, unit: 'days' },
      sendAt: { code: 'too_soon' },
    });
  });
});
