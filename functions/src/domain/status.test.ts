import { describe, expect, it } from 'vitest';
import { INVOICE_STATUSES, canMoveInvoice, canMoveSms, canMoveTransaction, isCancellable, isPayable, isResendable } from './status';

describe('invoice status machine', () => {
  it('moves forward along the happy path', () => {
    const path = ['scheduled', 'sending', 'sent', 'opened', 'processing', 'paid', 'partially_refunded', 'refunded'] as const;
    for (let i = 1; i < path.length; i++) expect(canMoveInvoice(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('never undoes paid except by a refund, and refunded is final', () => {
    for (const to of INVOICE_STATUSES) {
      expect(canMoveInvoice('paid', to)).toBe(to === 'partially_refunded' || to === 'refunded');
      expect(canMoveInvoice('refunded', to)).toBe(false);
    }
  });

  it('returns a failed attempt to opened, and cannot cancel a paid invoice', () => {
    expect(canMoveInvoice('processing', 'opened')).toBe(true);
    expect(canMoveInvoice('paid', 'cancelled')).toBe(false);
    expect(canMoveInvoice('opened', 'sent')).toBe(false);
  });

  it('moves an unopened invoice whose SMS cannot go out to undelivered, and on from there when the link is used', () => {
    for (const from of ['scheduled', 'sending', 'sent'] as const) expect(canMoveInvoice(from, 'undelivered')).toBe(true);
    for (const from of ['opened', 'processing', 'paid', 'partially_refunded', 'refunded', 'expired', 'cancelled'] as const) {
      expect(canMoveInvoice(from, 'undelivered')).toBe(false);
    }
    // The link still works if the merchant shares it another way; a resend after START goes out.
    for (const to of ['opened', 'processing', 'paid', 'expired', 'cancelled', 'sent'] as const) expect(canMoveInvoice('undelivered', to)).toBe(true);
    for (const to of ['scheduled', 'sending', 'partially_refunded', 'refunded'] as const) expect(canMoveInvoice('undelivered', to)).toBe(false);
    expect(isPayable('undelivered')).toBe(true);
  });

  it('keeps SMS status forward only', () => {
    expect(canMoveSms('queued', 'sent')).toBe(true);
    expect(canMoveSms('delivered', 'sent')).toBe(false);
    expect(canMoveSms('sent', 'sent')).toBe(false);
  });

  it('lets a declined card succeed later but never undoes success', () => {
    expect(canMoveTransaction('failed', 'succeeded')).toBe(true);
    expect(canMoveTransaction('succeeded', 'failed')).toBe(false);
  });
});

describe('which invoices the cancel and resend actions accept', () => {
  it('cancels every invoice that can still be paid, undelivered included, and nothing settled, expired or cancelled', () => {
    const cancellable = INVOICE_STATUSES.filter(isCancellable);
    expect([...cancellable].sort()).toEqual(['opened', 'processing', 'scheduled', 'sending', 'sent', 'undelivered']);
  });

  it('resends the SMS of every payable invoice whose first SMS was queued, undelivered included', () => {
    const resendable = INVOICE_STATUSES.filter(isResendable);
    expect([...resendable].sort()).toEqual(['opened', 'processing', 'sending', 'sent', 'undelivered']);
  });
});
