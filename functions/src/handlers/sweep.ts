import { onSchedule } from 'firebase-functions/v2/scheduler';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { getServices } from '../services';
import { sweepLostWork } from '../domain/sweeper';

/** Every 5 minutes: hand SMS, callbacks and expiries whose task was lost (a crash, a queue that gave up) to their queues again. */
export const sweep = onSchedule({ schedule: 'every 5 minutes', region: REGION }, async () => {
  const report = await sweepLostWork(getServices());
  if (report.sms.requeued + report.sms.failed + report.callbacks.requeued + report.callbacks.failed + report.expiries > 0) logger.info('swept lost work', report);
});
