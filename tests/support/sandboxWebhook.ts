import Stripe from 'stripe';
import { admin } from './admin';
import { BASE_URL } from './env';

const secretDoc = () => admin().db.collection('system').doc('sandboxCard');

/**
 * The sandbox card provider's signing secret. The functions make it on first use, when they check
 * a webhook's signature: if no test has made it yet, an unsigned post (refused with 400) makes it.
 */
export async function sandboxSecret(): Promise<string> {
  const existing = (await secretDoc().get()).get('webhookSecret') as string | undefined;
  if (existing) return existing;
  const unsigned = await fetch(`${BASE_URL}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await unsigned.body?.cancel();
  const made = (await secretDoc().get()).get('webhookSecret') as string | undefined;
  if (!made) throw new Error(`The sandbox made no signing secret (an unsigned webhook post answered ${unsigned.status}).`);
  return made;
}

/** Posts a Stripe-shaped event, signed with the sandbox secret as the sandbox checkout does. */
export async function postSandboxEvent(event: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = JSON.stringify(event);
  const response = await fetch(`${BASE_URL}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: await sandboxSecret() }) },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A sandbox Checkout Session as Stripe would put it in an event: the real session's amount, currency, payment and metadata. */
export async function sandboxSessionObject(sessionId: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const session = (await admin().db.collection('sandboxSessions').doc(sessionId).get()).data()!;
  return {
    id: session.id,
    object: 'checkout.session',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: session.transactionId,
    payment_intent: session.paymentIntentId,
    amount_total: session.amount,
    currency: String(session.currency).toLowerCase(),
    livemode: false,
    metadata: { invoiceId: session.invoiceId, transactionId: session.transactionId, merchantId: session.merchantId },
    ...overrides,
  };
}

/** A Stripe event envelope around `object`, in test mode like every sandbox event. */
export const stripeEvent = (id: string, type: string, object: unknown) => ({ id, object: 'event', type, livemode: false, created: Math.floor(Date.now() / 1000), data: { object } });
