import { onSchedule } from 'firebase-functions/v2/scheduler';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS, PHONE_SECRETS } from '../params';
import { getServices } from '../services';
import { reconcileStale } from '../domain/reconcile';

/** Every 5 minutes: settle transactions whose webhook or delivery report never came. */
export const reconcile = onSchedule({ schedule: 'every 5 minutes', region: REGION, secrets: [...CARD_SECRETS, ...PHONE_SECRETS] }, async () => {
  const outcomes = await reconcileStale(getServices());
  if (Object.keys(outcomes).length) logger.info('reconciled', outcomes);
});
