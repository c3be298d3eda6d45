import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { SMS_SECRETS } from '../params';
import { getServices } from '../services';
import { dispatchSms as dispatch } from '../domain/sms';

/** Sends one queued SMS; rate limited so a bulk import does not flood the provider. */
export const dispatchSms = onTaskDispatched<{ messageId: string }>(
  {
    region: REGION,
    secrets: SMS_SECRETS,
    retryConfig: { maxAttempts: 8, minBackoffSeconds: 10, maxBackoffSeconds: 600 },
    rateLimits: { maxConcurrentDispatches: 20, maxDispatchesPerSecond: 50 },
  },
  async (request) => {
    const { db, sms } = getServices();
    const outcome = await dispatch(db, sms, request.data.messageId);
    logger.info('dispatchSms', { messageId: request.data.messageId, outcome });
    if (outcome === 'not_due' || outcome === 'busy') throw new Error(`SMS ${request.data.messageId} is ${outcome === 'busy' ? 'being sent by another attempt' : 'not due yet'}; the queue retries it.`);
  },
);
