import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { getServices } from '../services';
import { sendReminder as remind } from '../domain/lifecycle';

/** A payment reminder, unless the invoice was paid, cancelled or expired, or the payer opted out. */
export const sendReminder = onTaskDispatched<{ invoiceId: string; index: number }>({ region: REGION, retryConfig: { maxAttempts: 5, minBackoffSeconds: 30 } }, async (request) => {
  const outcome = await remind(getServices().db, request.data.invoiceId, request.data.index);
  logger.info('sendReminder', { ...request.data, outcome });
  if (outcome === 'busy') throw new Error('A payment of this invoice is under way; the queue retries the reminder.');
});
