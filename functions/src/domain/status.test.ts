import { describe, expect, it } from 'vitest';
import { INVOICE_STATUSES, canMoveInvoice, canMoveSms, canMoveTransaction } from './status';

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
