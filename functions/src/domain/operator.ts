import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { z } from 'zod';
import { DomainError, notFound } from './errors';
import { newId } from './ids';
import { merchantRef } from './merchants';
import type { MerchantDoc, Mode, StrexMerchant } from './types';

/**
 * The platform operators' console: list merchants, activate live mode, suspend and reinstate, set
 * the platform fee and the merchant's Strex account.
 * Operators are Firebase users with the custom claim `operator: true`, which only the project's
 * script (scripts/operator.mjs) grants. Every action is logged with who and when, in the same
 * transaction as the change it made.
 */

export type OperatorAction = 'live_activated' | 'suspended' | 'reinstated' | 'platform_fee_set' | 'strex_set';

export interface Operator {
  uid: string;
  email: string | null;
}

export interface OperatorLogDoc {
  id: string;
  action: OperatorAction;
  merchantId: string;
  merchantName: string;
  operatorUid: string;
  operatorEmail: string | null;
  reason: string | null;
  /** `platform_fee_set`: the fee set, in basis points. */
  platformFeeBps?: number;
  /** `strex_set`: the Strex merchant id and service code set. */
  strex?: StrexMerchant;
  at: Timestamp;
}

export const operatorLogRef = (db: Firestore) => db.collection('operatorLog');

const reasonSchema = z.string({ error: 'Must be a string.' }).trim().max(500, 'At most 500 characters.').optional();
export const operatorActionSchema = z.strictObject({ reason: reasonSchema });

/** The platform's fee on a merchant's card payments (Stripe `application_fee_amount`), in basis points: 0 (none) to 20 %. */
export const platformFeeSchema = z.strictObject({
  platformFeeBps: z.number({ error: 'Must be a whole number of basis points.' }).int('Must be a whole number of basis points.').min(0, 'At least 0.').max(2000, 'At most 2000 (20 %).'),
  reason: reasonSchema,
});

/** The merchant's own Strex account: the merchant id Strex gave it and the service code its charges are billed under. */
export const strexSettingsSchema = z.strictObject({
  merchantId: z
    .string({ error: 'Must be a string.' })
    .trim()
    .min(1, 'Required.')
    .max(64, 'At most 64 characters.')
    .regex(/^[A-Za-z0-9_-]*$/, 'Letters, digits, - and _ only.'),
  serviceCode: z.string({ error: 'Must be a string.' }).trim().min(1, 'Required.').max(16, 'At most 16 digits.').regex(/^\d*$/, 'Digits only, e.g. 14002.'),
  reason: reasonSchema,
});

export type OperatorInput = { platformFeeBps?: number; strex?: StrexMerchant };

const iso = (t: Timestamp | null | undefined) => (t ? t.toDate().toISOString() : null);

const PAID = ['paid', 'partially_refunded', 'refunded'];
const VOLUME_DAYS = 30;

/** Paid volume of the last 30 days per mode and currency, from the paid invoices' amounts only. */
async function volumeOf(db: Firestore, merchantId: string, nowMs: number) {
  const since = Timestamp.fromMillis(nowMs - VOLUME_DAYS * 86_400_000);
  const snap = await db.collection('invoices').where('merchantId', '==', merchantId).where('paidAt', '>=', since).select('mode', 'currency', 'amount', 'status').get();
  const totals = new Map<string, { mode: Mode; currency: string; count: number; amount: number }>();
  for (const doc of snap.docs) {
    if (!PAID.includes(doc.get('status') as string)) continue;
    const mode = doc.get('mode') as Mode;
    const currency = doc.get('currency') as string;
    const key = `${mode}:${currency}`;
    const entry = totals.get(key) ?? { mode, currency, count: 0, amount: 0 };
    entry.count += 1;
    entry.amount += doc.get('amount') as number;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => a.mode.localeCompare(b.mode) || a.currency.localeCompare(b.currency));
}

export function merchantSummary(merchant: MerchantDoc) {
  return {
    id: merchant.id,
    object: 'merchant' as const,
    name: merchant.name,
    status: merchant.status ?? 'active',
    liveActivated: Boolean(merchant.liveActivatedAt),
    liveActivatedAt: iso(merchant.liveActivatedAt),
    platformFeeBps: merchant.platformFeeBps ?? 0,
    strex: merchant.strex ? { merchantId: merchant.strex.merchantId, serviceCode: merchant.strex.serviceCode, updatedAt: iso(merchant.strex.updatedAt) } : null,
    createdAt: iso(merchant.createdAt),
  };
}

const MAX_MERCHANTS = 500;

export async function listMerchants(db: Firestore, nowMs = Date.now()) {
  const snap = await db
    .collection('merchants')
    .orderBy('createdAt', 'desc')
    .limit(MAX_MERCHANTS + 1)
    .get();
  const merchants = snap.docs.slice(0, MAX_MERCHANTS).map((d) => d.data() as MerchantDoc);
  const data = await Promise.all(merchants.map(async (m) => ({ ...merchantSummary(m), volume: await volumeOf(db, m.id, nowMs) })));
  return { object: 'list' as const, data, hasMore: snap.size > MAX_MERCHANTS };
}

/** Each action: whether it would change the merchant now, and the change. */
const ACTIONS: Record<OperatorAction, { applies: (m: MerchantDoc, input: OperatorInput) => boolean; patch: (now: Timestamp, input: OperatorInput) => Partial<MerchantDoc> }> = {
  live_activated: { applies: (m) => !m.liveActivatedAt, patch: (now) => ({ liveActivatedAt: now }) },
  suspended: { applies: (m) => m.status !== 'suspended', patch: () => ({ status: 'suspended' }) },
  reinstated: { applies: (m) => m.status === 'suspended', patch: () => ({ status: 'active' }) },
  platform_fee_set: { applies: (m, input) => (m.platformFeeBps ?? 0) !== (input.platformFeeBps ?? 0), patch: (_now, input) => ({ platformFeeBps: input.platformFeeBps ?? 0 }) },
  strex_set: {
    applies: (m, input) => m.strex?.merchantId !== input.strex?.merchantId || m.strex?.serviceCode !== input.strex?.serviceCode,
    patch: (now, input) => ({ strex: { merchantId: input.strex!.merchantId, serviceCode: input.strex!.serviceCode, updatedAt: now } }),
  },
};

/**
 * Applies one operator action and logs it, together. Repeating an action that is already in
 * effect changes and logs nothing, so a double click is harmless.
 */
export async function applyOperatorAction(db: Firestore, operator: Operator, merchantId: string, action: OperatorAction, reason: string | null, input: OperatorInput = {}) {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(merchantId)) throw notFound('Merchant');
  return db.runTransaction(async (tx) => {
    const ref = merchantRef(db, merchantId);
    const merchant = (await tx.get(ref)).data() as MerchantDoc | undefined;
    if (!merchant) throw notFound('Merchant');
    const rule = ACTIONS[action];
    if (!rule.applies(merchant, input)) return { ...merchantSummary(merchant), changed: false };
    const now = Timestamp.now();
    const patch = rule.patch(now, input);
    tx.update(ref, patch);
    const entry: OperatorLogDoc = {
      id: newId('op'),
      action,
      merchantId,
      merchantName: merchant.name,
      operatorUid: operator.uid,
      operatorEmail: operator.email,
      reason,
      ...(action === 'platform_fee_set' ? { platformFeeBps: input.platformFeeBps ?? 0 } : {}),
      ...(action === 'strex_set' && input.strex ? { strex: { merchantId: input.strex.merchantId, serviceCode: input.strex.serviceCode } } : {}),
      at: now,
    };
    tx.create(operatorLogRef(db).doc(entry.id), entry);
    return { ...merchantSummary({ ...merchant, ...patch }), changed: true };
  });
}

export async function listOperatorLog(db: Firestore, limit = 100) {
  const snap = await operatorLogRef(db).orderBy('at', 'desc').limit(limit).get();
  return {
    object: 'list' as const,
    data: snap.docs.map((d) => {
      const entry = d.data() as OperatorLogDoc;
      return { ...entry, at: iso(entry.at) };
    }),
    hasMore: snap.size === limit,
  };
}

/** Who may use the operators' API: a verified ID token carrying the `operator` claim. */
export function operatorFromClaims(claims: Record<string, unknown>): Operator {
  if (claims.operator !== true) throw new DomainError('forbidden', 'Only platform operators can do this.');
  return { uid: String(claims.uid ?? claims.sub), email: typeof claims.email === 'string' ? claims.email : null };
}
