import type { Services } from '../../services';
import type { Router } from '../router';
import { merchantOf } from '../auth';
import { getCallbackEvent, redeliverCallback } from '../../domain/callbacks';

/** Merchant callback events: read one with its deliveries, or send it again. */
export function eventRoutes(router: Router<Services>): void {
  router
    .on('GET', '/events/:id', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'events.read');
      return { status: 200, body: await getCallbackEvent(services.db, merchant.id, id!) };
    })
    .on('POST', '/events/:id/redeliver', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'events.redeliver');
      return { status: 202, body: await redeliverCallback(services.db, services.tasks, merchant.id, id!) };
    });
}
