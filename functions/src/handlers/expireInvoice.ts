import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS } from '../params';
import { getServices } from '../services';
import { expireInvoice as expire } from '../domain/lifecycle';

/** At an invoice's `expiresAt`: expire it if still unpaid, and close its open card session. */
export const expireInvoice = onTaskDispatched<{ invoiceId: string }>({ region: REGION, secrets: CARD_SECRETS, retryConfig: { maxAttempts: 5, minBackoffSeconds: 30 } }, async (request) => {
  const services = getServices();
  const { outcome, sessionToExpire, mode } = await expire(services.db, request.data.invoiceId);
  if (sessionToExpire && mode)
    await services
      .providers(mode)
      .card.expireCheckout(sessionToExpire.sessionId, sessionToExpire.account)
      .catch((error: Error) => logger.warn('could not expire checkout', { sessionToExpire, error: error.message }));
  logger.info('expireInvoice', { invoiceId: request.data.invoiceId, outcome });
});
