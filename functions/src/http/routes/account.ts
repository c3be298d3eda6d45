import type { Services } from '../../services';
import type { Router } from '../router';
import { authorize } from '../auth';
import { accountView } from '../../domain/account';

/** `GET /account`: the merchant behind the key, its mode, and what it can offer in that mode. */
export function accountRoutes(router: Router<Services>): void {
  router.on('GET', '/account', async (request, _params, services) => {
    const { merchant } = await authorize(services, request, 'account.read');
    return { status: 200, body: accountView(merchant, services.deployment) };
  });
}
