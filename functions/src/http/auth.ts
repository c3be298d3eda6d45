import { getAuth, type DecodedIdToken } from 'firebase-admin/auth';
import type { Services } from '../services';
import type { ApiRequest } from './request';
import { DomainError } from '../domain/errors';
import { authenticate, loadMerchant } from '../domain/merchants';
import { mayCall, type ApiAction, type CallerRole } from '../domain/access';
import { memberRole } from '../domain/console';
import type { MerchantDoc, Mode } from '../domain/types';
import { availableMethods, methodAvailability } from '../domain/modes';
import { adminApp } from '../adapters/firestore';

export interface Caller {
  merchant: MerchantDoc;
  /** `api` for a secret key; a dashboard user's role (from the membership document) otherwise. */
  role: CallerRole;
  uid: string | null;
}

const bearerOf = (request: ApiRequest) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
const isIdToken = (bearer: string | undefined): bearer is string => !!bearer && !bearer.startsWith('sk_') && bearer.split('.').length === 3;

/** A signed-in Firebase user (ID token, not revoked), whether or not a member of any merchant. */
export async function signedInUser(request: ApiRequest): Promise<DecodedIdToken> {
  const bearer = bearerOf(request);
  if (!isIdToken(bearer)) throw new DomainError('unauthorized', 'Sign in first.');
  try {
    return await getAuth(adminApp()).verifyIdToken(bearer, true);
  } catch {
    throw new DomainError('unauthorized', 'Your session has expired; sign in again.');
  }
}

/**
 * Who is calling: an integrator with a secret key (`Bearer sk_…`), or a signed-in dashboard
 * user. A user's token names the merchant (claim `merchantId`); the membership document decides
 * whether, and as what, they still belong to it, so removing a member ends access at once.
 */
async function callerOf(services: Services, request: ApiRequest): Promise<Caller> {
  const bearer = bearerOf(request);
  if (isIdToken(bearer)) {
    const user = await signedInUser(request);
    const merchantId = user.merchantId;
    // As in firestore.rules: a verified address and a membership document.
    const role = typeof merchantId === 'string' && user.email_verified === true ? await memberRole(services.db, merchantId, user.uid) : null;
    if (!role) throw new DomainError('forbidden', 'This account belongs to no merchant.');
    const merchant = { ...(await loadMerchant(services.db, merchantId as string)), mode: dashboardMode(request) };
    return { merchant: withOfferable(services, merchant), role, uid: user.uid };
  }
  return { merchant: withOfferable(services, await authenticate(services.db, request.headers.authorization)), role: 'api', uid: null };
}

/** The dashboard's "Test mode" switch, sent as `X-Mode: live` when it is off; test by default. */
export const MODE_HEADER = 'x-mode';
function dashboardMode(request: ApiRequest): Mode {
  const value = request.headers[MODE_HEADER]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'test') return 'test';
  if (value === 'live') return 'live';
  throw new DomainError('invalid_request', 'X-Mode must be "test" or "live".', {
    errors: [{ field: 'X-Mode', code: 'invalid_value', values: ['test', 'live'], message: 'Must be "test" or "live".' }],
  });
}

/** What the caller's mode can offer now (domain/modes.ts), so invoices never offer more. */
const withOfferable = (services: Services, merchant: MerchantDoc): MerchantDoc => ({
  ...merchant,
  offerable: availableMethods(methodAvailability(services.deployment, merchant, merchant.mode)),
});

/** The caller, if the role table (domain/access.ts) lets their role do `action`; else 403 `forbidden`. */
export async function authorize(services: Services, request: ApiRequest, action: ApiAction): Promise<Caller> {
  const caller = await callerOf(services, request);
  if (!mayCall(caller.role, action)) {
    throw new DomainError('forbidden', caller.role === 'api' ? 'API keys cannot do this; an owner does it in the dashboard.' : 'Only an owner can do this.');
  }
  return caller;
}

export async function merchantOf(services: Services, request: ApiRequest, action: ApiAction): Promise<MerchantDoc> {
  return (await authorize(services, request, action)).merchant;
}

export const idempotencyScope = (merchant: MerchantDoc, request: ApiRequest) => ({
  merchantId: merchant.id,
  key: request.headers['idempotency-key'],
  method: request.method,
  path: request.path,
  body: request.rawBody.toString('utf8'),
});
