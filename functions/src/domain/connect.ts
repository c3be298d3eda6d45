import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { DomainError } from './errors';
import { merchantRef } from './merchants';
import type { ConnectAccountStatus, MerchantDoc, Mode, StripeConnectState } from './types';

/**
 * Getting paid (Stripe Connect): each merchant connects its own Stripe account through Stripe's
 * hosted onboarding (Account Links), and its card payments are direct charges on that account,
 * with the platform's fee where an operator set one. A test-mode account and a live one are
 * distinct at Stripe, so the merchant keeps one per mode (`stripeConnect.test`, `.live`).
 */

/** The port the Stripe adapter implements for Connect (only Stripe has connected accounts). */
export interface ConnectPlatform {
  /** A new connected account for the merchant; the same `idempotencyKey` never makes a second. */
  createAccount(input: { merchantId: string; name: string; email: string | null; idempotencyKey: string }): Promise<ConnectAccountStatus>;
  /** A single-use link to Stripe's hosted onboarding for the account. */
  createAccountLink(accountId: string, urls: { refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
  retrieveAccount(accountId: string): Promise<ConnectAccountStatus>;
}

export type ConnectOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown_account';

/** Where Stripe sends the merchant back: the dashboard's Settings, which asks us for the status (return) or a new link (refresh). */
export const onboardingUrls = (publicBaseUrl: string) => ({
  returnUrl: `${publicBaseUrl}/merchant/settings?stripe=return`,
  refreshUrl: `${publicBaseUrl}/merchant/settings?stripe=refresh`,
});

const stateOf = (status: ConnectAccountStatus, asOf: number): StripeConnectState => ({ ...status, asOf });

/**
 * The connected account a card payment in `mode` goes to, if the merchant has one that can take
 * charges. Live mode takes card only there (modes.ts says so before an invoice offers card); test
 * mode falls back to the platform's own test account, where no money moves either way.
 */
export function chargeAccountFor(merchant: Pick<MerchantDoc, 'stripeConnect'>, mode: Mode): string | null {
  const state = merchant.stripeConnect?.[mode];
  return state?.chargesEnabled ? state.accountId : null;
}

/** The platform fee on `amount` (minor units) for a merchant whose operator set one; null for none. */
export function platformFeeFor(merchant: Pick<MerchantDoc, 'platformFeeBps'>, amount: number): number | null {
  const bps = merchant.platformFeeBps ?? 0;
  if (bps <= 0) return null;
  return Math.floor((amount * bps) / 10_000) || null;
}

/**
 * `GET /account/stripe`: the merchant's connected account in the caller's mode, as the dashboard
 * shows it; `available` says whether this deployment takes card through Stripe in that mode at all.
 */
export function connectView(merchant: Pick<MerchantDoc, 'stripeConnect' | 'mode' | 'platformFeeBps'>, available: boolean) {
  const state = merchant.stripeConnect?.[merchant.mode];
  return {
    object: 'stripe_connection' as const,
    livemode: merchant.mode === 'live',
    available,
    connected: Boolean(state),
    accountId: state?.accountId ?? null,
    chargesEnabled: state?.chargesEnabled ?? false,
    payoutsEnabled: state?.payoutsEnabled ?? false,
    detailsSubmitted: state?.detailsSubmitted ?? false,
    requirementsDue: state?.requirementsDue ?? [],
    disabledReason: state?.disabledReason ?? null,
    platformFeeBps: merchant.platformFeeBps ?? 0,
  };
}

/** Stores a status unless a newer one is already there; returns the merchant's connection as stored. */
async function storeStatus(db: Firestore, merchantId: string, mode: Mode, status: ConnectAccountStatus, asOf: number): Promise<ConnectOutcome> {
  return db.runTransaction(async (tx) => {
    const ref = merchantRef(db, merchantId);
    const merchant = (await tx.get(ref)).data() as MerchantDoc;
    const current = merchant.stripeConnect?.[mode];
    if (current && current.accountId !== status.accountId) return 'unknown_account';
    if (current && current.asOf > asOf) return 'stale';
    tx.update(ref, { [`stripeConnect.${mode}`]: stateOf(status, asOf) });
    return 'applied';
  });
}

/**
 * Starts (or resumes) onboarding in the caller's mode: the merchant's connected account is made
 * once (the idempotency key is per merchant and mode, and the id is stored before any link), then
 * a fresh Account Link is made, since each one works once and expires within minutes.
 */
export async function startOnboarding(
  deps: { db: Firestore; connect: ConnectPlatform; publicBaseUrl: string },
  merchant: MerchantDoc,
  ownerEmail: string | null,
): Promise<{ url: string; expiresAt: string }> {
  if (merchant.mode === 'live' && !merchant.liveActivatedAt) {
    throw new DomainError('invalid_state', 'Live mode is not activated for this merchant yet; connect a Stripe account in test mode meanwhile.', { extra: { missing: 'live_not_activated' } });
  }
  let accountId = merchant.stripeConnect?.[merchant.mode]?.accountId;
  if (!accountId) {
    const created = await deps.connect.createAccount({
      merchantId: merchant.id,
      name: merchant.name,
      email: ownerEmail,
      idempotencyKey: `connect-${merchant.id}-${merchant.mode}`,
    });
    accountId = created.accountId;
    // Made as of now: any account.updated Stripe sends about it later is newer.
    await storeStatus(deps.db, merchant.id, merchant.mode, created, 0);
  }
  const link = await deps.connect.createAccountLink(accountId, onboardingUrls(deps.publicBaseUrl));
  return { url: link.url, expiresAt: link.expiresAt.toISOString() };
}

/**
 * The status as Stripe has it now (the dashboard asks on return from onboarding, before the
 * webhook may have arrived), stored as of now so an older event does not undo it.
 */
export async function refreshConnectStatus(deps: { db: Firestore; connect: ConnectPlatform }, merchant: MerchantDoc, nowSeconds = Math.floor(Date.now() / 1000)) {
  const state = merchant.stripeConnect?.[merchant.mode];
  if (!state) return connectView(merchant, true);
  const status = await deps.connect.retrieveAccount(state.accountId);
  await storeStatus(deps.db, merchant.id, merchant.mode, status, nowSeconds);
  return connectView({ ...merchant, stripeConnect: { ...merchant.stripeConnect, [merchant.mode]: stateOf(status, nowSeconds) } }, true);
}

/**
 * An `account.updated` from Stripe (verified by the mode's secrets): the merchant whose account it
 * is gets the new status, once per event id and never overwritten by older news. An account no
 * merchant connected in that mode changes nothing.
 */
export async function applyAccountUpdated(
  db: Firestore,
  provider: string,
  event: { eventId: string; created: number; livemode: boolean | null; account: ConnectAccountStatus },
  mode: Mode,
): Promise<ConnectOutcome> {
  if (event.livemode !== (mode === 'live')) return 'unknown_account';
  const found = await db.collection('merchants').where(`stripeConnect.${mode}.accountId`, '==', event.account.accountId).limit(1).get();
  const merchantId = found.docs[0]?.id;
  if (!merchantId) return 'unknown_account';
  const eventRef = db.collection('providerEvents').doc(`${provider}_${event.eventId}`);
  return db.runTransaction(async (tx) => {
    const ref = merchantRef(db, merchantId);
    const [eventSnap, merchantSnap] = await Promise.all([tx.get(eventRef), tx.get(ref)]);
    if (eventSnap.exists) return 'duplicate';
    tx.create(eventRef, { at: Timestamp.now(), merchantId, kind: 'account_updated' });
    const current = (merchantSnap.data() as MerchantDoc).stripeConnect?.[mode];
    if (!current || current.accountId !== event.account.accountId) return 'unknown_account';
    if (current.asOf > event.created) return 'stale';
    tx.update(ref, { [`stripeConnect.${mode}`]: stateOf(event.account, event.created) });
    return 'applied';
  });
}
