import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { getServices } from '../services';
import { CALLBACK_RETRY_SCHEDULE, deliverCallback as deliver, pinnedCallbackPoster } from '../domain/callbacks';
import { resolveCallbackTarget } from '../domain/callbackUrl';
import { CALLBACK_RETRY_SCHEDULE_SECONDS } from '../params';

/** One attempt at a merchant callback; the retry schedule is ours (spec), not Cloud Tasks' backoff. */
export const deliverCallback = onTaskDispatched<{ eventId: string; attempt: number; manual?: boolean }>(
  { region: REGION, retryConfig: { maxAttempts: 3, minBackoffSeconds: 30 }, rateLimits: { maxConcurrentDispatches: 50 } },
  async (request) => {
    const services = getServices();
    const configured = CALLBACK_RETRY_SCHEDULE_SECONDS.value().trim();
    const schedule = configured ? configured.split(',').map(Number) : CALLBACK_RETRY_SCHEDULE;
    const outcome = await deliver(
      {
        db: services.db,
        post: pinnedCallbackPoster,
        tasks: services.tasks,
        schedule,
        resolveTarget: (url) => resolveCallbackTarget(url, { allowLoopback: services.emulator }),
      },
      request.data.eventId,
      request.data.attempt,
      request.data.manual ?? false,
    );
    logger.info('deliverCallback', { ...request.data, outcome });
  },
);
