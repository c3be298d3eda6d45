import { describe, expect, it } from 'vitest';
import { invoiceRowsFromCsv, parseCsv } from './csv';

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
  it('maps columns to the API’s invoice fields', () => {
    const rows = invoiceRowsFromCsv(
      'amount,currency,description,phone,locale,reference,paymentMethods,metadata.order,smsText\n' +
        '12900,NOK,"Pizza, large",+4791234567,nb,o-1,card phone,42,"{merchant}: {link}"\n' +
        '12.5,NOK,Bad,+4791234567,,,,,\n',
    );
    expect(rows[0]).toEqual({
      amount: 12900,
      currency: 'NOK',
      description: 'Pizza, large',
      payer: { phone: '+4791234567', locale: 'nb' },
      reference: 'o-1',
      paymentMethods: ['card', 'phone'],
      metadata: { order: '42' },
      sms: { text: '{merchant}: {link}' },
    });
    expect(rows[1]!.amount).toBe('12.5');
  });
});
