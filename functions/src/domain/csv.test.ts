import { describe, expect, it } from 'vitest';
import { invoiceRowsFromCsv, invoicesToCsv, parseCsv } from './csv';
import { INVOICE_CSV_COLUMNS } from './csvColumns';
import { DomainError } from './errors';
import { createInvoiceSchema, parseOrThrow } from './schemas';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, embedded commas and newlines, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
  });

  it('drops blank lines', () => {
    expect(parseCsv('a\n\n\nb\n')).toEqual([['a'], ['b']]);
  });
});

describe('invoiceRowsFromCsv', () => {
  it('maps the dotted headers to the API’s invoice fields', () => {
    const rows = invoiceRowsFromCsv(
      'amount,currency,description,payer.phone,payer.name,payer.locale,reference,paymentMethods,metadata.order,sms.text,sms.sender,expiresAt,sendAt,returnUrl,cancelUrl,callbackUrl\n' +
        '12900,NOK,"Pizza, large",+4791234567,Kari,nb,o-1,card phone,42,"{merchant}: {link}",Shop,2030-01-02T00:00:00Z,2030-01-01T00:00:00Z,https://s.example/r,https://s.example/c,https://s.example/cb\n' +
        '12.5,NOK,Bad,+4791234567,,,,,,,,,,,,\n',
    );
    expect(rows[0]).toEqual({
      amount: 12900,
      currency: 'NOK',
      description: 'Pizza, large',
      payer: { phone: '+4791234567', name: 'Kari', locale: 'nb' },
      reference: 'o-1',
      paymentMethods: ['card', 'phone'],
      metadata: { order: '42' },
      sms: { text: '{merchant}: {link}', sender: 'Shop' },
      expiresAt: '2030-01-02T00:00:00Z',
      sendAt: '2030-01-01T00:00:00Z',
      returnUrl: 'https://s.example/r',
      cancelUrl: 'https://s.example/c',
      callbackUrl: 'https://s.example/cb',
    });
    expect(rows[1]).toEqual({ amount: 12.5, currency: 'NOK', description: 'Bad', payer: { phone: '+4791234567' } });
  });

  it('ignores the read-only columns of an export', () => {
    const rows = invoiceRowsFromCsv(
      'id,status,amount,currency,description,payer.phone,sms.status,transaction.status,createdAt\ninv_1,paid,100,NOK,Tea,+4791234567,delivered,succeeded,2026-01-01T00:00:00Z\n',
    );
    expect(rows).toEqual([{ amount: 100, currency: 'NOK', description: 'Tea', payer: { phone: '+4791234567' } }]);
  });

  it('refuses unknown headers by name, saying which column was meant', () => {
    try {
      invoiceRowsFromCsv('amount,currency,description,phone,payer_name,colour\n100,NOK,Tea,+4791234567,Kari,red\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).options.errors).toEqual([
        { field: 'phone', code: 'unknown_column', other: 'payer.phone', message: 'Unknown CSV column. Use "payer.phone".' },
        { field: 'payer_name', code: 'unknown_column', other: 'payer.name', message: 'Unknown CSV column. Use "payer.name".' },
        { field: 'colour', code: 'unknown_column', message: expect.stringContaining('Columns: amount, currency, description, payer.phone') },
      ]);
    }
  });
});

describe('invoicesToCsv', () => {
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  const invoice = {
    amount: 12900,
    currency: 'NOK',
    description: 'Pizza, "large"\nextra cheese',
    payer: { phone: '+4791234567', name: 'Kari Nordmann', locale: 'nb' },
    paymentMethods: ['card', 'phone'],
    reference: 'o-1',
    expiresAt,
    sendAt: null,
    sms: { text: 'Pay {amount}: {link}', sender: null },
    returnUrl: 'https://shop.example/thanks',
    cancelUrl: null,
    callbackUrl: null,
    metadata: { order: '42', cart: 'c-9' },
  };

  it('writes the spec’s dotted headers, then metadata keys', () => {
    const [header] = parseCsv(invoicesToCsv([invoice]));
    expect(header).toEqual([...INVOICE_CSV_COLUMNS, 'metadata.cart', 'metadata.order']);
    for (const column of ['amount', 'currency', 'description', 'payer.phone', 'payer.name', 'payer.locale', 'reference', 'expiresAt', 'sendAt', 'sms.text', 'returnUrl', 'cancelUrl', 'callbackUrl']) {
      expect(header).toContain(column);
    }
  });

  it('imports again to the same invoice fields', () => {
    const [row] = invoiceRowsFromCsv(invoicesToCsv([invoice]));
    const input = parseOrThrow(createInvoiceSchema, row);
    expect(input).toMatchObject({
      amount: 12900,
      currency: 'NOK',
      description: invoice.description,
      payer: invoice.payer,
      paymentMethods: ['card', 'phone'],
      reference: 'o-1',
      sms: { text: 'Pay {amount}: {link}' },
      returnUrl: 'https://shop.example/thanks',
      metadata: { order: '42', cart: 'c-9' },
    });
    expect(input.expiresAt?.toISOString()).toBe(expiresAt);
  });
});
