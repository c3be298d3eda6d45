import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { renderReceiptSms } from './phoneSms';
import { measureSms } from './smsText';
import type { InvoiceDoc } from './types';

const PAID_AT = Timestamp.fromDate(new Date('2026-12-02T13:05:00Z')); // 14:05 in Oslo

function paidInvoice(overrides: Partial<InvoiceDoc> = {}): InvoiceDoc {
  return {
    id: 'inv_1',
    merchantName: 'Harbour Kiosk',
    amount: 4900,
    currency: 'NOK',
    description: 'Fish soup',
    locale: 'en',
    reference: 'ORDER-77',
    payUrl: 'https://pay.example/pay/tok123',
    paidAt: PAID_AT,
    transaction: { id: 'txn_1', method: 'phone', provider: 'strex', status: 'succeeded' },
    ...overrides,
  } as InvoiceDoc;
}

describe('renderReceiptSms: an itemised receipt', () => {
  it('names the merchant, amount, what it was for, date, how it was paid, the reference and where to complain', () => {
    expect(renderReceiptSms(paidInvoice())).toBe(
      'Receipt from Harbour Kiosk: NOK 49.00 for Fish soup, charged to your phone bill 2 Dec 2026, 14:05. Ref ORDER-77. ' + 'Questions or complaints: https://pay.example/pay/tok123/receipt',
    );
  });

  it('speaks Norwegian for a Norwegian invoice, with Norwegian dates and money', () => {
    expect(renderReceiptSms(paidInvoice({ locale: 'nb' }))).toBe(
      'Kvittering fra Harbour Kiosk: 49,00 kr for Fish soup, belastet mobilregningen 2. des. 2026, 14:05. Ref. ORDER-77. ' + 'Spørsmål eller klage: https://pay.example/pay/tok123/receipt',
    );
  });

  it('says card for a card payment and falls back to the invoice id without a reference', () => {
    const text = renderReceiptSms(paidInvoice({ reference: null, transaction: { id: 'txn_2', method: 'card', provider: 'sandbox', status: 'succeeded' } }));
    expect(text).toContain('paid by card 2 Dec 2026, 14:05');
    expect(text).toContain('Ref inv_1.');
  });

  it('stays within a few SMS segments for the longest description', () => {
    const text = renderReceiptSms(paidInvoice({ description: 'x'.repeat(200), locale: 'nb' }));
    expect(measureSms(text).segments).toBeLessThanOrEqual(3);
    expect(text).not.toMatch(/[\u00a0\u202f]/);
  });
});
