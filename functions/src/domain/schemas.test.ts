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
