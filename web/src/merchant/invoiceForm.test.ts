import { describe, expect, it } from 'vitest';
import { emptyForm, formFieldOf, toMinorUnits, toRequestBody, validateInvoiceForm, type InvoiceFormValues } from './invoiceForm';
import { invoicesCsv, csvCell, majorAmount, previewCsv } from './csv';
import { invoiceRowsFromCsv } from '../../../functions/src/domain/csv';
import type { InvoiceDoc } from './types';

const m = (key: string) => key;
const valid = (overrides: Partial<InvoiceFormValues> = {}): InvoiceFormValues => ({
  ...emptyForm(),
  amount: '129,50',
  description: 'Pizza Margherita',
  phone: '+47 912 34 567',
  ...overrides,
});

describe('toMinorUnits', () => {
  it('reads major units with comma or point, per the currency’s digits', () => {
    expect(toMinorUnits('129,50', 'NOK')).toBe(12950);
    expect(toMinorUnits('1 299.5', 'NOK')).toBe(129950);
    expect(toMinorUnits('129', 'EUR')).toBe(12900);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('15.5', 'JPY')).toBeNull();
    expect(toMinorUnits('1.234', 'NOK')).toBeNull();
    expect(toMinorUnits('abc', 'NOK')).toBeNull();
    expect(toMinorUnits('-5', 'NOK')).toBeNull();
  });
});

describe('validateInvoiceForm', () => {
  it('accepts a valid form and builds the API body in minor units', () => {
    expect(validateInvoiceForm(valid(), m)).toEqual({});
    expect(toRequestBody(valid({ reference: ' order-1 ' }))).toEqual({
      amount: 12950,
      currency: 'NOK',
      description: 'Pizza Margherita',
      payer: { phone: '+4791234567' },
      paymentMethods: ['card', 'phone'],
      reference: 'order-1',
    });
  });

  it('names every missing field', () => {
    expect(Object.keys(validateInvoiceForm(emptyForm(), m)).sort()).toEqual(['amount', 'description', 'phone']);
  });

  it('mirrors the API limits', () => {
    const errors = validateInvoiceForm(
      valid({
        amount: '0',
        currency: 'nok',
        description: 'x'.repeat(201),
        phone: '91234567',
        reference: 'r'.repeat(65),
        methods: [],
        smsText: 'Pay now',
      }),
      m,
    );
    expect(errors).toEqual({
      amount: 'm.form.err.amountPositive',
      currency: 'm.form.err.currency',
      description: 'm.form.err.max',
      phone: 'm.form.err.phone',
      reference: 'm.form.err.max',
      methods: 'm.form.err.methods',
      smsText: 'm.form.err.link',
    });
    expect(validateInvoiceForm(valid({ amount: '1000001' }), m).amount).toBe('m.form.err.amountMax');
    expect(validateInvoiceForm(valid({ currency: 'EUR', methods: ['phone'] }), m).methods).toBe('m.form.err.phoneNok');
    expect(validateInvoiceForm(valid({ currency: 'XYZ' }), m).currency).toBe('m.form.err.currencyUnknown');
  });

  it('checks scheduling like the API', () => {
    const now = Date.parse('2026-05-01T12:00:00');
    expect(validateInvoiceForm(valid({ sendAt: '2026-05-01T11:00' }), m, now).sendAt).toBe('m.form.err.future');
    expect(validateInvoiceForm(valid({ sendAt: '2026-07-01T11:00' }), m, now).sendAt).toBe('m.form.err.within');
    expect(validateInvoiceForm(valid({ expiresAt: '2026-05-01T12:00' }), m, now).expiresAt).toBe('m.form.err.futureMinute');
    expect(validateInvoiceForm(valid({ sendAt: '2026-05-03T10:00', expiresAt: '2026-05-02T10:00' }), m, now).sendAt).toBe('m.form.err.beforeExpiry');
    expect(validateInvoiceForm(valid({ sendAt: '2026-05-02T10:00', expiresAt: '2026-05-03T10:00' }), m, now)).toEqual({});
  });

  it('maps API field paths back to form fields', () => {
    expect(formFieldOf('payer.phone')).toBe('phone');
    expect(formFieldOf('paymentMethods.0')).toBe('methods');
    expect(formFieldOf('sms.text')).toBe('smsText');
    expect(formFieldOf('metadata')).toBeNull();
  });
});

describe('CSV export', () => {
  const stamp = (iso: string) => ({ toDate: () => new Date(iso) });
  const invoice = {
    id: 'inv_1',
    merchantId: 'm',
    status: 'paid',
    amount: 12950,
    currency: 'NOK',
    amountRefunded: 0,
    description: 'Pizza, "large"',
    reference: '=cmd',
    payer: { phone: '+4791234567', name: 'Kari Nordmann', locale: 'nb' },
    paymentMethods: ['card', 'phone'],
    sms: { status: 'delivered', text: 'Shop: NOK 129.50 https://pay.example/pay/tok', sender: 'Shop' },
    payUrl: 'x',
    returnUrl: 'https://shop.example/done',
    cancelUrl: null,
    callbackUrl: null,
    metadata: { order: '42', table: '7' },
    createdAt: stamp('2026-05-01T10:00:00.000Z'),
    expiresAt: stamp('2026-05-08T10:00:00.000Z'),
    paidAt: stamp('2026-05-01T10:05:00.000Z'),
  } as unknown as InvoiceDoc;

  it('writes the API’s dotted headers, minor units and ISO dates, quoting where needed', () => {
    const [header, row, end] = invoicesCsv([invoice]).split('\r\n');
    expect(header).toBe(
      'id,status,amount,currency,description,payer.phone,payer.name,payer.locale,paymentMethods,reference,expiresAt,sendAt,sms.text,sms.sender,returnUrl,cancelUrl,callbackUrl,metadata.order,metadata.table,amountRefunded,sms.status,createdAt,openedAt,paidAt',
    );
    expect(row).toBe(
      `inv_1,paid,12950,NOK,"Pizza, ""large""",+4791234567,Kari Nordmann,nb,card phone,'=cmd,2026-05-08T10:00:00.000Z,,,Shop,https://shop.example/done,,,42,7,0,delivered,2026-05-01T10:00:00.000Z,,2026-05-01T10:05:00.000Z`,
    );
    expect(end).toBe('');
    expect(majorAmount(1500, 'JPY')).toBe('1500');
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });

  it('an export reads back, through the server’s own CSV import, as the invoice it came from', () => {
    const [input] = invoiceRowsFromCsv(invoicesCsv([{ ...invoice, reference: 'order-42' }]));
    expect(input).toEqual({
      amount: 12950,
      currency: 'NOK',
      description: 'Pizza, "large"',
      payer: { phone: '+4791234567', name: 'Kari Nordmann', locale: 'nb' },
      paymentMethods: ['card', 'phone'],
      reference: 'order-42',
      expiresAt: '2026-05-08T10:00:00.000Z',
      sms: { sender: 'Shop' },
      returnUrl: 'https://shop.example/done',
      metadata: { order: '42', table: '7' },
    });
  });

  it('the preview reads rows by header and names columns the import would refuse', () => {
    const preview = previewCsv('\ufeffamount,payer_phone,metadata.x\r\n100,+4791234567,"a, b"\r\n\r\n');
    expect(preview.rows).toEqual([{ amount: '100', payer_phone: '+4791234567', 'metadata.x': 'a, b' }]);
    expect(preview.unknownColumns).toEqual([{ column: 'payer_phone', use: 'payer.phone' }]);
  });
});
