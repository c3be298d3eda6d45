import { availableMethods, methodAvailability, type DeploymentProviders } from './modes';
import type { MerchantDoc } from './types';

/**
 * `GET /account`: who the key belongs to, its mode, and which methods an invoice can offer now,
 * with what is missing for each one that cannot (so an integrator knows why live card is absent).
 */
export function accountView(merchant: MerchantDoc, deployment: DeploymentProviders) {
  const methods = methodAvailability(deployment, merchant, merchant.mode);
  return {
    id: merchant.id,
    object: 'account' as const,
    name: merchant.name,
    livemode: merchant.mode === 'live',
    status: merchant.status ?? 'active',
    liveActivated: Boolean(merchant.liveActivatedAt),
    paymentMethods: availableMethods(methods),
    methods,
  };
}
