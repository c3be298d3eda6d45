import Stripe from 'stripe';
import { admin } from './admin';
import { BASE_URL } from './env';

/** The sandbox card provider's signing secret (made on first use by the functions). */
export async function sandboxSecret(): Promise<string> {
  return (await admin().db.collection('system').doc('sandboxCard').get()).get('webhookSecret') as string;
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
