import type { Timestamp } from 'firebase-admin/firestore';
import type { Services } from '../../services';
import type { Router } from '../router';
import { merchantOf } from '../auth';
import { DomainError } from '../../domain/errors';

/** Emulator-only helpers; in production these paths answer like any unknown route. */
export function devRoutes(router: Router<Services>): void {
  router.on('GET', '/dev/outbox', async (request, _params, services) => {
    if (!services.emulator) throw new DomainError('not_found', `No API route ${request.method} ${request.path}.`);
    const merchant = await merchantOf(services, request, 'outbox.read');
    const snap = await services.db.collection('smsMessages').where('merchantId', '==', merchant.id).where('mode', '==', merchant.mode).orderBy('createdAt', 'desc').limit(100).get();
    return {
      status: 200,
      body: {
        data: snap.docs.map((d) => ({
          id: d.id,
          to: d.get('to') as string,
          body: d.get('body') as string,
          status: d.get('status') as string,
          kind: d.get('kind') as string,
          invoiceId: d.get('invoiceId') as string | null,
          createdAt: (d.get('createdAt') as Timestamp).toDate().toISOString(),
        })),
      },
    };
  });
}
