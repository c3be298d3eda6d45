import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { BASE_URL } from '../support/env';
import { reconcileReservedRefunds, refundInvoice } from '../../functions/src/domain/refunds';
import { sandboxCardProvider } from '../../functions/src/adapters/sandboxCard';
import { sandboxPhoneBilling } from '../../functions/src/adapters/sandboxPhoneBilling';
import type { CardProvider } from '../../functions/src/adapters/cardProvider';

let merchant: TestMerchant;
beforeAll(async () => {
  merchant = await createMerchant();
});

const invoiceDoc = (id: string) => admin().db.collection('invoices').doc(id);

async function paidInvoice(amount = 10_000) {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount }) });
  const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
  const paid = await api('POST', `/sandbox/checkout/${txn.body.next.url.split('/').pop()}/pay`, { body: { cardNumber: '4242424242424242' } });
  expect(paid.status).toBe(200);
  expect((await invoiceDoc(created.body.id).get()).get('status')).toBe('paid');
  return created.body.id as string;
}

/**
 * The sandbox card provider, except that its refund call "crashes" the process: the request
 * never returns to `refundInvoice`, either before the provider got it or after it refunded.
 */
function crashingCard(when: 'before_provider' | 'after_provider', release?: Promise<void>): CardProvider {
  const card = sandboxCardProvider(admin().db, BASE_URL);
  return {
    ...card,
    async refund(paymentId, amount, key) {
      if (when === 'before_provider') return new Promise(() => undefined);
      const made = await card.refund(paymentId, amount, key);
      if (release) {
        await release;
        return made;
      }
      return new Promise(() => undefined);
    },
  };
}

const deps = (card: CardProvider) => {
  const providers = { db: admin().db, card, phone: sandboxPhoneBilling() };
  return { ...providers, providers: () => providers };
};
const refundsOf = async (invoiceId: string) => (await admin().db.collection('refunds').where('invoiceId', '==', invoiceId).get()).docs.map((d) => d.data());
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('reconcileReservedRefunds', () => {
  it('finishes a refund the provider made before the crash, found by its idempotency key', async () => {
    const invoiceId = await paidInvoice();
    void refundInvoice(deps(crashingCard('after_provider')), merchant.merchantId, invoiceId, 4_000, 'crash-after');
    await settle();
    expect(await refundsOf(invoiceId)).toMatchObject([{ status: 'pending', amount: 4_000 }]);
    expect((await invoiceDoc(invoiceId).get()).data()).toMatchObject({ status: 'paid', refundPending: 4_000 });

    // Too young to be taken for a crash: left alone.
    expect(await reconcileReservedRefunds(deps(sandboxCardProvider(admin().db, BASE_URL)))).not.toHaveProperty((await refundsOf(invoiceId))[0]!.id as string);
    const outcomes = await reconcileReservedRefunds(deps(sandboxCardProvider(admin().db, BASE_URL)), 0);
    const [refund] = await refundsOf(invoiceId);
    expect(outcomes[refund!.id as string]).toBe('succeeded');
    expect(refund).toMatchObject({ status: 'succeeded', providerRefundId: expect.stringMatching(/^re_sandbox_/) });
    expect((await invoiceDoc(invoiceId).get()).data()).toMatchObject({ status: 'partially_refunded', amountRefunded: 4_000, refundPending: 0 });
    // Run again: nothing left to do, nothing counted twice.
    expect(await reconcileReservedRefunds(deps(sandboxCardProvider(admin().db, BASE_URL)), 0)).not.toHaveProperty(refund!.id as string);
    expect((await invoiceDoc(invoiceId).get()).get('amountRefunded')).toBe(4_000);
  });

  it('releases a refund the provider never received, so the merchant can refund again', async () => {
    const invoiceId = await paidInvoice();
    void refundInvoice(deps(crashingCard('before_provider')), merchant.merchantId, invoiceId, undefined, 'crash-before');
    await settle();
    expect((await invoiceDoc(invoiceId).get()).get('refundPending')).toBe(10_000);
    await reconcileReservedRefunds(deps(sandboxCardProvider(admin().db, BASE_URL)), 0);
    const [refund] = await refundsOf(invoiceId);
    expect(refund).toMatchObject({ status: 'failed', failureMessage: expect.stringContaining('nothing was refunded') });
    expect((await invoiceDoc(invoiceId).get()).data()).toMatchObject({ status: 'paid', amountRefunded: 0, refundPending: 0 });
    const again = await api('POST', `/invoices/${invoiceId}/refund`, { key: merchant.apiKey, body: {} });
    expect(again.body).toMatchObject({ status: 'refunded', amountRefunded: 10_000 });
  });

  it('counts a refund once when the interrupted request answers after reconciliation finished it', async () => {
    const invoiceId = await paidInvoice();
    let wake!: () => void;
    const late = new Promise<void>((resolve) => (wake = resolve));
    const original = refundInvoice(deps(crashingCard('after_provider', late)), merchant.merchantId, invoiceId, 3_000, 'slow');
    await settle();
    await reconcileReservedRefunds(deps(sandboxCardProvider(admin().db, BASE_URL)), 0);
    wake();
    await expect(original).resolves.toMatchObject({ refund: { status: 'succeeded' } });
    expect((await invoiceDoc(invoiceId).get()).data()).toMatchObject({ status: 'partially_refunded', amountRefunded: 3_000, refundPending: 0 });
    const timeline = await invoiceDoc(invoiceId).collection('events').where('type', '==', 'invoice.refunded').get();
    expect(timeline.size).toBe(1);
  });
});
