import type Stripe from 'stripe';
import { DomainError } from '../domain/errors';
import type { ConnectPlatform } from '../domain/connect';
import type { CardEvent, CardProvider, PaymentDetails } from './cardProvider';
import { cardEventFromStripe, connectStatusOf } from './stripeEvents';

export type StripeCardProvider = CardProvider & ConnectPlatform;

export interface StripeCardOptions {
  secretKey: string;
  webhookSecret: string;
  /** The signing secret of the Connect webhook endpoint (events from connected accounts); none when Connect is not set up. */
  connectWebhookSecret?: string;
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

/** The request option that makes one call on a connected account (the `Stripe-Account` header); none for the platform's own. */
const on = (account: string | null | undefined): Stripe.RequestOptions | undefined => (account ? { stripeAccount: account } : undefined);

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
      const expiresAt = Math.min(Math.max(Math.floor(request.expiresAt.getTime() / 1000), nowSeconds + MIN_SESSION_SECONDS), nowSeconds + MAX_SESSION_SECONDS);
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
          payment_intent_data: {
            metadata,
            description: request.description,
            ...(request.connectedAccount && request.applicationFeeAmount ? { application_fee_amount: request.applicationFeeAmount } : {}),
          },
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          expires_at: expiresAt,
          locale: request.payerLocale ?? 'auto',
        },
        { idempotencyKey: `checkout-${request.transactionId}`, ...on(request.connectedAccount) },
      );
      if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a url.`);
      return { sessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
    },

    async expireCheckout(sessionId, account) {
      const client = await stripe();
      try {
        await client.checkout.sessions.expire(sessionId, {}, on(account));
      } catch (error) {
        // Expire takes no parameters, so a 400 means the session is no longer open (already
        // completed or expired): the goal is reached. An unknown session (404) still throws.
        const notOpen = error instanceof client.errors.StripeInvalidRequestError && error.statusCode === 400;
        if (!notOpen) throw error;
      }
    },

    async parseWebhook(rawBody, signatureHeader): Promise<CardEvent> {
      const client = await stripe();
      // The platform's endpoint and the Connect endpoint each sign with their own secret.
      const secrets = [options.webhookSecret, options.connectWebhookSecret].filter((secret): secret is string => !!secret);
      let failure: unknown;
      for (const secret of secrets) {
        try {
          return cardEventFromStripe(client.webhooks.constructEvent(rawBody, signatureHeader ?? '', secret, WEBHOOK_TOLERANCE_SECONDS));
        } catch (error) {
          failure = error;
        }
      }
      throw new DomainError('invalid_request', `Webhook signature verification failed: ${(failure as Error).message}`);
    },

    async sessionStatus(sessionId, account) {
      const client = await stripe();
      const session = await client.checkout.sessions.retrieve(sessionId, {}, on(account));
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
          // Stripe found the session on the account it was asked on.
          ...(account ? { account } : {}),
        },
      };
    },

    async paymentDetails(paymentIntentId, account) {
      const client = await stripe();
      const intent = await client.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] }, on(account));
      return paymentDetailsOf(intent);
    },

    async refund(paymentIntentId, amount, idempotencyKey, account) {
      const client = await stripe();
      // The key is kept on the refund too: Stripe forgets idempotency keys after 24 hours, metadata it keeps.
      const refund = await client.refunds.create({ payment_intent: paymentIntentId, amount, metadata: { idempotencyKey } }, { idempotencyKey, ...on(account) });
      // Stripe types `status` as nullable; a refund without one is not final yet.
      return { refundId: refund.id, status: refund.status ?? 'pending' };
    },

    async findRefund(paymentIntentId, idempotencyKey, account) {
      const client = await stripe();
      for await (const refund of client.refunds.list({ payment_intent: paymentIntentId, limit: 100 }, on(account))) {
        if (refund.metadata?.idempotencyKey === idempotencyKey) return { refundId: refund.id, status: refund.status ?? 'pending' };
      }
      return null;
    },

    async createAccount({ merchantId, name, email, idempotencyKey }) {
      const client = await stripe();
      const account = await client.accounts.create(
        {
          // Standard-like: the merchant gets the full Stripe dashboard, is the merchant of record of
          // its direct charges and pays Stripe's fees on them; Stripe collects what it requires.
          controller: { stripe_dashboard: { type: 'full' }, fees: { payer: 'account' }, losses: { payments: 'stripe' }, requirement_collection: 'stripe' },
          ...(email ? { email } : {}),
          business_profile: { name },
          metadata: { merchantId },
        },
        { idempotencyKey },
      );
      return connectStatusOf(account);
    },

    async createAccountLink(accountId, { refreshUrl, returnUrl }) {
      const client = await stripe();
      const link = await client.accountLinks.create({ account: accountId, type: 'account_onboarding', refresh_url: refreshUrl, return_url: returnUrl });
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
    },

    async retrieveAccount(accountId) {
      const client = await stripe();
      return connectStatusOf(await client.accounts.retrieve(accountId));
    },
  };
}
