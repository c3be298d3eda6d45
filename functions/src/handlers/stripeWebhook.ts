import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS } from '../params';
import { getServices } from '../services';
import { applyCardEvent } from '../domain/cardEvents';
import { recordPaymentDetails } from '../domain/billing';
import { toProblem } from '../http/problem';

/**
 * `POST /webhooks/stripe`: the signature is checked on the raw body before anything is read;
 * then the event is applied once. Event types we do not handle get 200 and are ignored.
 */
export const stripeWebhook = onRequest({ region: REGION, secrets: CARD_SECRETS, memory: '256MiB' }, async (req, res) => {
  if (req.method !== 'POST') {
    res.status(405).set('Allow', 'POST').end();
    return;
  }
  const services = getServices();
  try {
    const event = await services.card.parseWebhook(req.rawBody ?? Buffer.alloc(0), req.header('stripe-signature'));
    const outcome = await applyCardEvent(services.db, services.card.name, event);
    const details = event.kind === 'payment_succeeded' ? await recordPaymentDetails(services.db, services.card, event.transactionId) : undefined;
    logger.info('card webhook', { eventId: event.eventId, kind: event.kind, outcome, details });
    res.status(200).json({ received: true, outcome });
  } catch (error) {
    const problem = toProblem(error);
    if (problem.status >= 500) logger.error('card webhook failed', { error: (error as Error).stack });
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }
});
