import type { Services } from '../../services';
import type { Router } from '../router';
import type { ApiRequest } from '../request';
import { jsonBody } from '../request';
import { DomainError } from '../../domain/errors';
import { parseOrThrow } from '../../domain/schemas';
import { signedInUser } from '../auth';
import {
  applyOperatorAction,
  listMerchants,
  listOperatorLog,
  operatorActionSchema,
  operatorFromClaims,
  platformFeeSchema,
  strexSettingsSchema,
  type Operator,
  type OperatorAction,
} from '../../domain/operator';

/** Operators sign in like dashboard users; their ID token must carry the `operator` claim. No API key ever works here. */
async function operatorOf(request: ApiRequest): Promise<Operator> {
  if (/^Bearer\s+sk_/i.test(request.headers.authorization ?? '')) throw new DomainError('forbidden', 'API keys cannot use the operators’ API.');
  return operatorFromClaims(await signedInUser(request));
}

const ACTION_PATHS: Record<string, OperatorAction> = { 'activate-live': 'live_activated', suspend: 'suspended', reinstate: 'reinstated' };

/** `/operator/**`: the platform operators' console (the `/operator` page). */
export function operatorRoutes(router: Router<Services>): void {
  router
    .on('GET', '/operator/merchants', async (request, _params, services) => {
      await operatorOf(request);
      return { status: 200, body: await listMerchants(services.db) };
    })

    .on('GET', '/operator/log', async (request, _params, services) => {
      await operatorOf(request);
      return { status: 200, body: await listOperatorLog(services.db) };
    });

  for (const [path, action] of Object.entries(ACTION_PATHS)) {
    router.on('POST', `/operator/merchants/:id/${path}`, async (request, { id }, services) => {
      const operator = await operatorOf(request);
      const { reason } = parseOrThrow(operatorActionSchema, request.rawBody.length ? jsonBody(request) : {});
      return { status: 200, body: await applyOperatorAction(services.db, operator, id!, action, reason ?? null) };
    });
  }

  // The platform's fee on the merchant's card payments on its connected Stripe account.
  router.on('POST', '/operator/merchants/:id/platform-fee', async (request, { id }, services) => {
    const operator = await operatorOf(request);
    const { platformFeeBps, reason } = parseOrThrow(platformFeeSchema, jsonBody(request));
    return { status: 200, body: await applyOperatorAction(services.db, operator, id!, 'platform_fee_set', reason ?? null, { platformFeeBps }) };
  });

  // The merchant's own Strex account, which its live phone payments bill through.
  router.on('POST', '/operator/merchants/:id/strex', async (request, { id }, services) => {
    const operator = await operatorOf(request);
    const { merchantId, serviceCode, reason } = parseOrThrow(strexSettingsSchema, jsonBody(request));
    return { status: 200, body: await applyOperatorAction(services.db, operator, id!, 'strex_set', reason ?? null, { strex: { merchantId, serviceCode } }) };
  });
}
