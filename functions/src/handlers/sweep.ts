import { onSchedule } from 'firebase-functions/v2/scheduler';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS, PHONE_SECRETS } from '../params';
import { getServices } from '../services';
import { sweepLostWork } from '../domain/sweeper';

/**
 * Every 5 minutes: SMS, callbacks and expiries whose task was lost (a crash, a queue that gave up)
 * go to their queues again; transactions whose webhook or delivery report never came are settled
 * from the provider's record, and refunds a crash left reserved are finished or released.
 */
export const sweep = onSchedule({ schedule: 'every 5 minutes', region: REGION, timeoutSeconds: 300, secrets: [...CARD_SECRETS, ...PHONE_SECRETS] }, async () => {
  const report = await sweepLostWork(getServices());
  const settled = Object.keys(report.transactions).length + Object.keys(report.refunds).length;
  if (report.sms.requeued + report.sms.failed + report.callbacks.requeued + report.callbacks.failed + report.expiries + settled > 0) logger.info('swept lost work', report);
});
