import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS } from '../params';
import { getServices } from '../services';
import { receiveCardWebhook } from '../domain/cardWebhook';
import { toProblem } from '../http/problem';

/** `POST /webhooks/stripe` (domain/cardWebhook.ts). Event types we do not handle get 200 and are ignored. */
export const stripeWebhook = onRequest({ region: REGION, secrets: CARD_SECRETS, memory: '256MiB' }, async (req, res) => {
  if (req.method !== 'POST') {
    res.status(405).set('Allow', 'POST').end();
    return;
  }
  const services = getServices();
  try {
    const { mode, event, outcome, details } = await receiveCardWebhook(services, req.rawBody ?? Buffer.alloc(0), req.header('stripe-signature'));
    logger.info('card webhook', { eventId: event.eventId, kind: event.kind, mode, outcome, details });
    res.status(200).json({ received: true, outcome });
  } catch (error) {
    const problem = toProblem(error);
    if (problem.status >= 500) logger.error('card webhook failed', { error: (error as Error).stack });
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }
});
