import { createHash, randomBytes } from 'node:crypto';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { DomainError } from '../domain/errors';
import { newId } from '../domain/ids';
import type { CardProvider } from './cardProvider';
import type { CardDetails } from '../domain/types';
import { cardEventFromStripe } from './stripeEvents';

export interface SandboxSessionDoc {
  id: string;
  transactionId: string;
  invoiceId: string;
  merchantId: string;
  merchantName: string;
  amount: number;
  currency: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
  status: 'open' | 'complete' | 'expired';
  paymentIntentId: string;
  /** The test card it was paid with, as Stripe would report it. */
  card?: CardDetails | null;
  expiresAt: Timestamp;
  createdAt: Timestamp;
}

export const sandboxSessions = (db: Firestore) => db.collection('sandboxSessions');
export const sandboxRefunds = (db: Firestore) => db.collection('sandboxRefunds');
/** Stable per payment and key, like a Stripe refund replayed under its idempotency key. */
const sandboxRefundId = (paymentId: string, idempotencyKey: string) => `re_sandbox_${createHash('sha256').update(`${paymentId}:${idempotencyKey}`).digest('hex').slice(0, 24)}`;

/** The sandbox's webhook signing secret: random, made on first use, readable by no client. */
export async function sandboxSigningSecret(db: Firestore): Promise<string> {
  const ref = db.collection('system').doc('sandboxCard');
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const existing = snap.get('webhookSecret') as string | undefined;
    if (existing) return existing;
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    tx.set(ref, { webhookSecret: secret, createdAt: Timestamp.now() });
    return secret;
  });
}

/**
 * `CARD_PROVIDER=sandbox`: a checkout page of our own that moves no money. Sessions live in
 * Firestore; the page's pay endpoint emits Stripe-shaped events signed Stripe's way to our
 * own `/webhooks/stripe`, so the sandbox exercises the same verify-then-transition code.
 */
export function sandboxCardProvider(db: Firestore, publicBaseUrl: string): CardProvider {
  return {
    name: 'sandbox',
    async createCheckout(request) {
      const id = newId('cs');
      const doc: SandboxSessionDoc = {
        id,
        transactionId: request.transactionId,
        invoiceId: request.invoiceId,
        merchantId: request.merchantId,
        merchantName: request.merchantName,
        amount: request.amount,
        currency: request.currency,
        description: request.description,
        successUrl: request.successUrl,
        cancelUrl: request.cancelUrl,
        status: 'open',
        paymentIntentId: newId('pi'),
        expiresAt: Timestamp.fromDate(request.expiresAt),
        createdAt: Timestamp.now(),
      };
      await sandboxSessions(db).doc(id).create(doc);
      return { sessionId: id, url: `${publicBaseUrl}/sandbox/checkout/${id}`, expiresAt: request.expiresAt };
    },
    async expireCheckout(sessionId) {
      const ref = sandboxSessions(db).doc(sessionId);
      await db.runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        if (snap.exists && snap.get('status') === 'open') tx.update(ref, { status: 'expired' });
      });
    },
    async sessionStatus(sessionId) {
      const session = (await sandboxSessions(db).doc(sessionId).get()).data() as SandboxSessionDoc | undefined;
      if (!session) throw new Error(`No sandbox session ${sessionId}`);
      const expired = session.status === 'expired' || (session.status === 'open' && session.expiresAt.toMillis() < Date.now());
      return {
        status: expired ? 'expired' : session.status,
        paymentStatus: session.status === 'complete' ? 'paid' : 'unpaid',
        // The sandbox moves no money: its sessions are never live.
        evidence: { sessionId: session.id, paymentId: session.paymentIntentId, amount: session.amount, currency: session.currency, merchantId: session.merchantId, livemode: false },
      };
    },
    async refund(paymentId, amount, idempotencyKey) {
      // No money moved, so none moves back; the refund is kept so it can be looked up, like Stripe's.
      const refundId = sandboxRefundId(paymentId, idempotencyKey);
      await sandboxRefunds(db).doc(refundId).set({ id: refundId, paymentId, amount, idempotencyKey, status: 'succeeded', createdAt: Timestamp.now() });
      return { refundId, status: 'succeeded' };
    },
    async findRefund(paymentId, idempotencyKey) {
      const refundId = sandboxRefundId(paymentId, idempotencyKey);
      const snap = await sandboxRefunds(db).doc(refundId).get();
      return snap.exists ? { refundId, status: snap.get('status') as string } : null;
    },
    async paymentDetails(paymentId) {
      const found = await sandboxSessions(db).where('paymentIntentId', '==', paymentId).limit(1).get();
      const session = found.docs[0]?.data() as SandboxSessionDoc | undefined;
      // The sandbox charges no fee: it moves no money.
      return { card: session?.card ?? null, fee: null };
    },
    async parseWebhook(rawBody, signatureHeader) {
      const { default: Stripe } = await import('stripe');
      const secret = await sandboxSigningSecret(db);
      let event: unknown;
      try {
        event = Stripe.webhooks.constructEvent(rawBody, signatureHeader ?? '', secret, 300);
      } catch (error) {
        throw new DomainError('invalid_request', `Webhook signature verification failed: ${(error as Error).message}`);
      }
      return cardEventFromStripe(event);
    },
  };
}
