import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS } from '../params';
import { getServices } from '../services';
import { applyCardEvent } from '../domain/cardEvents';
import { recordPaymentDetails } from '../domain/billing';
import { DomainError } from '../domain/errors';
import { toProblem } from '../http/problem';
import type { CardEvent } from '../adapters/cardProvider';
import type { Mode } from '../domain/types';

/**
 * `POST /webhooks/stripe`: the signature is checked on the raw body before anything is read;
 * the secret that verifies it says which mode's provider sent it (live Stripe, test Stripe or the
 * sandbox), and the event then changes only a transaction of that mode and provider. Event types
 * we do not handle get 200 and are ignored.
 */
export const stripeWebhook = onRequest({ region: REGION, secrets: CARD_SECRETS, memory: '256MiB' }, async (req, res) => {
  if (req.method !== 'POST') {
    res.status(405).set('Allow', 'POST').end();
    return;
  }
  const services = getServices();
  try {
    let verified: { mode: Mode; provider: string; event: CardEvent } | null = null;
    let refusal: unknown = new DomainError('invalid_request', 'No card provider is configured to receive webhooks.');
    for (const { mode, card } of services.cardWebhookSources()) {
      try {
        verified = { mode, provider: card.name, event: await card.parseWebhook(req.rawBody ?? Buffer.alloc(0), req.header('stripe-signature')) };
        break;
      } catch (error) {
        refusal = error;
      }
    }
    if (!verified) throw refusal;
    const { mode, provider, event } = verified;
    const outcome = await applyCardEvent(services.db, provider, event, mode);
    const card = services.cardWebhookSources().find((source) => source.mode === mode)!.card;
    const details = event.kind === 'payment_succeeded' ? await recordPaymentDetails(services.db, card, event.transactionId) : undefined;
    logger.info('card webhook', { eventId: event.eventId, kind: event.kind, mode, outcome, details });
    res.status(200).json({ received: true, outcome });
  } catch (error) {
    const problem = toProblem(error);
    if (problem.status >= 500) logger.error('card webhook failed', { error: (error as Error).stack });
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }
});
