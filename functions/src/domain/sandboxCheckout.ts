import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { DomainError, notFound } from './errors';
import { newId } from './ids';
import { sandboxSessions, sandboxSigningSecret, type SandboxSessionDoc } from '../adapters/sandboxCard';
import { SANDBOX_TEST_CARDS } from './testCards';

export async function getSandboxSession(db: Firestore, sessionId: string) {
  const snap = await sandboxSessions(db).doc(sessionId).get();
  if (!snap.exists) throw notFound('Checkout session');
  const session = snap.data() as SandboxSessionDoc;
  const expired = session.status === 'open' && session.expiresAt.toMillis() < Date.now();
  return {
    id: session.id,
    status: expired ? 'expired' : session.status,
    amount: session.amount,
    currency: session.currency,
    description: session.description,
    merchantName: session.merchantName,
    successUrl: session.successUrl,
    cancelUrl: session.cancelUrl,
    sandbox: true,
  };
}

export type WebhookPoster = (body: string, signatureHeader: string) => Promise<void>;

/**
 * The sandbox checkout's Pay button: decides the outcome from the test card number, then hands
 * the matching Stripe-shaped event, signed, to the webhook's receiver, and waits for it to be handled.
 */
export async function paySandboxSession(db: Firestore, postWebhook: WebhookPoster, sessionId: string, cardNumber: string): Promise<{ status: 'succeeded'; redirectUrl: string }> {
  const digits = cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) {
    throw new DomainError('invalid_request', 'Enter a card number.', {
      errors: [{ field: 'cardNumber', code: 'invalid_format', minimum: 12, maximum: 19, unit: 'characters', message: 'Enter 12 to 19 digits.' }],
    });
  }
  const card = SANDBOX_TEST_CARDS[digits];
  if (!card) {
    throw new DomainError('invalid_request', 'The sandbox accepts test cards only, such as 4242 4242 4242 4242.', {
      errors: [{ field: 'cardNumber', code: 'not_test_card', message: 'Use a test card, such as 4242 4242 4242 4242.' }],
    });
  }
  const ref = sandboxSessions(db).doc(sessionId);
  const session = await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) throw notFound('Checkout session');
    const current = snap.data() as SandboxSessionDoc;
    if (current.status !== 'open' || current.expiresAt.toMillis() < Date.now()) {
      throw new DomainError('invalid_state', 'This checkout session is no longer open.');
    }
    if (card.outcome === 'succeeded') tx.update(ref, { status: 'complete', card: { brand: card.brand, last4: digits.slice(-4), country: card.country, wallet: null } });
    return current;
  });

  const object =
    card.outcome === 'succeeded'
      ? {
          id: session.id,
          object: 'checkout.session',
          status: 'complete',
          payment_status: 'paid',
          client_reference_id: session.transactionId,
          payment_intent: session.paymentIntentId,
          amount_total: session.amount,
          currency: session.currency.toLowerCase(),
          metadata: { invoiceId: session.invoiceId, transactionId: session.transactionId, merchantId: session.merchantId },
        }
      : {
          id: session.paymentIntentId,
          object: 'payment_intent',
          status: 'requires_payment_method',
          amount: session.amount,
          currency: session.currency.toLowerCase(),
          last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: card.code, message: card.message },
          metadata: { invoiceId: session.invoiceId, transactionId: session.transactionId, merchantId: session.merchantId },
        };
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: '2025-10-29.clover',
    created: Math.floor(Timestamp.now().toMillis() / 1000),
    livemode: false,
    type: card.outcome === 'succeeded' ? 'checkout.session.completed' : 'payment_intent.payment_failed',
    data: { object },
  };
  const body = JSON.stringify(event);
  const { default: Stripe } = await import('stripe');
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: await sandboxSigningSecret(db) });
  await postWebhook(body, signature);

  if (card.outcome === 'declined') {
    throw new DomainError('card_declined', card.message, { extra: { declineCode: card.code } });
  }
  return { status: 'succeeded', redirectUrl: session.successUrl };
}
