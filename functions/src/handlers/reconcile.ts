import { onSchedule } from 'firebase-functions/v2/scheduler';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS, PHONE_SECRETS } from '../params';
import { getServices } from '../services';
import { reconcileStale } from '../domain/reconcile';
import { reconcileReservedRefunds } from '../domain/refunds';

/** Every 5 minutes: settle transactions whose webhook or delivery report never came, and refunds a crash left reserved. */
export const reconcile = onSchedule({ schedule: 'every 5 minutes', region: REGION, secrets: [...CARD_SECRETS, ...PHONE_SECRETS] }, async () => {
  const services = getServices();
  const outcomes = { ...(await reconcileStale(services)), ...(await reconcileReservedRefunds(services)) };
  if (Object.keys(outcomes).length) logger.info('reconciled', outcomes);
});
