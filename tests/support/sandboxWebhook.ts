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
