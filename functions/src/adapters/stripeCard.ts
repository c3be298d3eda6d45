import type Stripe from 'stripe';
import { DomainError } from '../domain/errors';
import type { CardEvent, CardProvider, PaymentDetails, SessionRecord } from './cardProvider';
import { cardEventFromStripe } from './stripeEvents';

/** Read-only look at a Checkout Session, for reconciling when a webhook never arrived. */
export interface StripeReconciler {
  sessionStatus(sessionId: string): Promise<SessionRecord>;
}

export type StripeCardProvider = CardProvider &
  StripeReconciler & {
    /** `amount` in minor units; the same `idempotencyKey` never refunds twice. */
    refund(paymentIntentId: string, amount: number, idempotencyKey: string): Promise<{ refundId: string; status: string }>;
  };

export interface StripeCardOptions {
  secretKey: string;
  webhookSecret: string;
  /** Where the API lives; only tests point this elsewhere (a fake server on 127.0.0.1). */
  stripeOptions?: { host?: string; port?: number; protocol?: 'http' | 'https' };
}

const WEBHOOK_TOLERANCE_SECONDS = 300;
// Stripe accepts `expires_at` between 30 minutes and 24 hours after creation; the margins
// absorb clock skew and request latency between our clock and Stripe's.
const MIN_SESSION_SECONDS = 30 * 60 + 30;
const MAX_SESSION_SECONDS = 24 * 60 * 60 - 30;

// Imported on first use so cold starts of functions that never touch Stripe skip loading the SDK.
async function createClient(options: StripeCardOptions): Promise<Stripe> {
  const { default: StripeClient } = await import('stripe');
  return new StripeClient(options.secretKey, {
    // On retries stripe-node resends the same Idempotency-Key, so a connection lost after
    // Stripe received the request replays Stripe's stored response instead of acting twice.
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...options.stripeOptions,
  });
}

const WALLETS: Record<string, 'apple_pay' | 'google_pay'> = { apple_pay: 'apple_pay', google_pay: 'google_pay' };

/** The latest charge's `payment_method_details.card` and its balance transaction's fee. */
export function paymentDetailsOf(intent: Stripe.PaymentIntent): PaymentDetails {
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const card = charge?.payment_method_details?.card;
  const balance = typeof charge?.balance_transaction === 'object' ? charge.balance_transaction : null;
  return {
    card: card ? { brand: card.brand ?? 'unknown', last4: card.last4 ?? '', country: card.country ?? null, wallet: WALLETS[card.wallet?.type ?? ''] ?? null } : null,
    fee: balance ? { amount: balance.fee, currency: balance.currency.toUpperCase() } : null,
  };
}

/** `CARD_PROVIDER=stripe`: Stripe Checkout (hosted page, dynamic payment methods). */
export function stripeCardProvider(options: StripeCardOptions): StripeCardProvider {
  let clientPromise: Promise<Stripe> | undefined;
  const stripe = () => (clientPromise ??= createClient(options));

  return {
    name: 'stripe',

    async createCheckout(request) {
      const metadata = { invoiceId: request.invoiceId, transactionId: request.transactionId, merchantId: request.merchantId };
      const nowSeconds = Math.floor(Date.now() / 1000);
      const expiresAt = Math.min(
        Math.max(Math.floor(request.expiresAt.getTime() / 1000), nowSeconds + MIN_SESSION_SECONDS),
        nowSeconds + MAX_SESSION_SECONDS,
      );
      const client = await stripe();
      const session = await client.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amount,
                product_data: { name: request.description },
              },
            },
          ],
          client_reference_id: request.transactionId,
          metadata,
          payment_intent_data: { metadata, description: request.description },
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          expires_at: expiresAt,
          locale: request.payerLocale ?? 'auto',
        },
        { idempotencyKey: `checkout-${request.transactionId}` },
      );
      if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a url.`);
      return { sessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
    },

    async expireCheckout(sessionId) {
      const client = await stripe();
      try {
        await client.checkout.sessions.expire(sessionId);
      } catch (error) {
        // Expire takes no parameters, so a 400 means the session is no longer open (already
        // completed or expired): the goal is reached. An unknown session (404) still throws.
        const notOpen = error instanceof client.errors.StripeInvalidRequestError && error.statusCode === 400;
        if (!notOpen) throw error;
      }
    },

    async parseWebhook(rawBody, signatureHeader): Promise<CardEvent> {
      const client = await stripe();
      let event: Stripe.Event;
      try {
        event = client.webhooks.constructEvent(rawBody, signatureHeader ?? '', options.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
      } catch (error) {
        throw new DomainError('invalid_request', `Webhook signature verification failed: ${(error as Error).message}`);
      }
      return cardEventFromStripe(event);
    },

    async sessionStatus(sessionId) {
      const client = await stripe();
      const session = await client.checkout.sessions.retrieve(sessionId);
      const paymentIntent = session.payment_intent;
      return {
        // Stripe documents `status` as nullable; a session without one has not finished.
        status: session.status ?? 'open',
        paymentStatus: session.payment_status,
        evidence: {
          sessionId: session.id,
          paymentId: typeof paymentIntent === 'string' ? paymentIntent : (paymentIntent?.id ?? null),
          amount: session.amount_total,
          currency: session.currency?.toUpperCase() ?? null,
          merchantId: session.metadata?.merchantId ?? null,
          livemode: session.livemode,
        },
      };
    },

    async paymentDetails(paymentIntentId) {
      const client = await stripe();
      const intent = await client.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
      return paymentDetailsOf(intent);
    },

    async refund(paymentIntentId, amount, idempotencyKey) {
      const client = await stripe();
      // The key is kept on the refund too: Stripe forgets idempotency keys after 24 hours, metadata it keeps.
      const refund = await client.refunds.create({ payment_intent: paymentIntentId, amount, metadata: { idempotencyKey } }, { idempotencyKey });
      // Stripe types `status` as nullable; a refund without one is not final yet.
      return { refundId: refund.id, status: refund.status ?? 'pending' };
    },

    async findRefund(paymentIntentId, idempotencyKey) {
      const client = await stripe();
      for await (const refund of client.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) {
        if (refund.metadata?.idempotencyKey === idempotencyKey) return { refundId: refund.id, status: refund.status ?? 'pending' };
      }
      return null;
    },
  };
}
