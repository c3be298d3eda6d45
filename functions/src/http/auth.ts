import { getAuth } from 'firebase-admin/auth';
import type { Services } from '../services';
import type { ApiRequest } from './request';
import { DomainError } from '../domain/errors';
import { authenticate, loadMerchant } from '../domain/merchants';
import type { MerchantDoc } from '../domain/types';
import { adminApp } from '../adapters/firestore';

export interface Caller {
  merchant: MerchantDoc;
  /** `api` for a secret key; a dashboard user's role otherwise. */
  role: 'api' | 'owner' | 'staff';
  uid: string | null;
}

/**
 * Who is calling: an integrator with a secret key (`Bearer sk_…`), or a signed-in dashboard
 * user with a Firebase ID token whose custom claims name the merchant and role.
 */
export async function callerOf(services: Services, request: ApiRequest): Promise<Caller> {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer && !bearer.startsWith('sk_') && bearer.split('.').length === 3) {
    let claims: Record<string, unknown>;
    try {
      claims = await getAuth(adminApp()).verifyIdToken(bearer, true);
    } catch {
      throw new DomainError('unauthorized', 'Your session has expired; sign in again.');
    }
    const merchantId = claims.merchantId;
    const role = claims.role;
    if (typeof merchantId !== 'string' || (role !== 'owner' && role !== 'staff')) {
      throw new DomainError('forbidden', 'This account belongs to no merchant.');
    }
    return { merchant: await loadMerchant(services.db, merchantId), role, uid: String(claims.uid ?? claims.sub) };
  }
  return { merchant: await authenticate(services.db, header), role: 'api', uid: null };
}

export async function merchantOf(services: Services, request: ApiRequest): Promise<MerchantDoc> {
  return (await callerOf(services, request)).merchant;
}

/** Keys, secrets, settings and users: the merchant's owners (and its secret keys), never staff. */
export async function ownerOf(services: Services, request: ApiRequest): Promise<Caller> {
  const caller = await callerOf(services, request);
  if (caller.role === 'staff') throw new DomainError('forbidden', 'Only an owner can do this.');
  return caller;
}

export const idempotencyScope = (merchant: MerchantDoc, request: ApiRequest) => ({
  merchantId: merchant.id,
  key: request.headers['idempotency-key'],
  method: request.method,
  path: request.path,
  body: request.rawBody.toString('utf8'),
});
