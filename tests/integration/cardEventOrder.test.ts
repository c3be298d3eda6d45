import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { postSandboxEvent, sandboxSessionObject, stripeEvent } from '../support/sandboxWebhook';
import { startReceiver } from '../support/receiver';

let merchant: TestMerchant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  // A receiver that takes every callback at once: the property counts callback events, and an
  // endpoint that refuses them would keep the emulator busy with retries of every one.
  receiver = await startReceiver();
  merchant = await createMerchant({ callbackUrl: receiver.url });
});
afterAll(() => receiver?.close());

async function post(event: object) {
  expect((await postSandboxEvent(event)).status).toBe(200);
}

type Kind = 'completed' | 'async_succeeded' | 'failed' | 'expired' | 'refunded';

describe('card events in any order, any number of times', () => {
  it('always end in the same state, and paid is undone only by a refund', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray<Kind>(['async_succeeded', 'failed', 'expired', 'refunded']),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (extra, duplicates, shuffleSeed) => {
          const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 5000 }) });
          const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
          expect(created.status, JSON.stringify(created.body)).toBe(201);
          expect(txn.status, JSON.stringify(txn.body)).toBe(201);
          const txnId = txn.body.id as string;
          const sessionId = txn.body.next.url.split('/').pop() as string;
          const session = await sandboxSessionObject(sessionId);
          const paymentIntent = session.payment_intent as string;
          const make = (kind: Kind) => {
            const id = `evt_${kind}_${txnId}`;
            switch (kind) {
              case 'completed':
                return stripeEvent(id, 'checkout.session.completed', session);
              case 'async_succeeded':
                return stripeEvent(id, 'checkout.session.async_payment_succeeded', session);
              case 'failed':
                return stripeEvent(id, 'payment_intent.payment_failed', {
                  id: paymentIntent,
                  object: 'payment_intent',
                  amount: 5000,
                  currency: 'nok',
                  metadata: session.metadata,
                  last_payment_error: { code: 'card_declined' },
                });
              case 'expired':
                return stripeEvent(id, 'checkout.session.expired', { ...session, status: 'expired', payment_status: 'unpaid' });
              case 'refunded':
                return stripeEvent(id, 'charge.refunded', { id: `ch_${txnId}`, object: 'charge', payment_intent: paymentIntent, amount: 5000, amount_refunded: 5000, currency: 'nok' });
            }
          };
          const kinds: Kind[] = ['completed', ...extra];
          const deliveries = [...kinds, ...duplicates.map((d) => kinds[d % kinds.length]!)];
          const order = fc.sample(fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }), { seed: shuffleSeed, numRuns: 1 })[0]!;
          // A refund can only be reported after the payment it refunds: Stripe knows no refund of an unpaid charge.
          const refundFirst = order.indexOf('refunded') >= 0 && order.indexOf('refunded') < order.indexOf('completed');
          const sequence = refundFirst ? [...order.filter((k) => k !== 'refunded'), ...order.filter((k) => k === 'refunded')] : order;
          const statuses: string[] = [];
          for (const kind of sequence) {
            await post(make(kind));
            statuses.push((await admin().db.collection('invoices').doc(created.body.id).get()).get('status') as string);
          }
          const refunded = extra.includes('refunded');
          const invoice = (await admin().db.collection('invoices').doc(created.body.id).get()).data()!;
          expect(invoice.status).toBe(refunded ? 'refunded' : 'paid');
          const paidAt = statuses.indexOf('paid');
          if (paidAt >= 0) for (const later of statuses.slice(paidAt)) expect(['paid', 'refunded']).toContain(later);
          const timeline = await admin().db.collection('invoices').doc(created.body.id).collection('events').get();
          const types = timeline.docs.map((d) => d.get('type') as string);
          expect(types.filter((t) => t === 'invoice.paid')).toHaveLength(1);
          expect(types.filter((t) => t === 'invoice.refunded')).toHaveLength(refunded ? 1 : 0);
          const paidCallbacks = await admin().db.collection('callbackEvents').where('invoiceId', '==', created.body.id).where('type', '==', 'invoice.paid').get();
          expect(paidCallbacks.size).toBe(1);
        },
      ),
      // Eight orders in the normal tier (each is an invoice and up to nine signed events, about
      // 10 s on a loaded 2-core machine); CARD_EVENT_RUNS=200 for a deeper search.
      { numRuns: Number(process.env.CARD_EVENT_RUNS ?? 8), seed: 4242 },
    );
  }, 240_000);
});
