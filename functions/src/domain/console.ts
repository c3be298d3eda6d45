import { randomBytes, randomInt } from 'node:crypto';
import { AggregateField, FieldValue, Timestamp, type Firestore, type Query } from 'firebase-admin/firestore';
import { z } from 'zod';
import { DomainError, notFound } from './errors';
import { sha256Hex } from './ids';
import { merchantRef } from './merchants';
import { E164_RE, SUPPORTED_LOCALES, httpUrl, paymentMethodsSchema } from './schemas';
import type { ApiKeyDoc, MerchantDoc, Mode } from './types';
import { MEMBER_ROLES, type MemberRole } from './access';

/**
 * The merchant console (dashboard) API: settings, API keys, callback signing secrets, users and
 * the overview numbers. Pure helpers first (unit tested), then the Firestore work; the Auth
 * admin client comes in as a port (`MemberAuth`).
 */

// ---------------------------------------------------------------------------------------------
// Pure helpers

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `sk_test_` / `sk_live_` + 32 base62 characters from the CSPRNG (~190 bits). */
export function newApiKeySecret(mode: Mode): string {
  let out = '';
  for (let i = 0; i < 32; i++) out += BASE62[randomInt(62)];
  return `sk_${mode}_${out}`;
}

/** What the dashboard shows of a key after creation, e.g. `sk_test_AbCd`. */
export const apiKeyPrefix = (secret: string): string => secret.slice(0, 12);

/** `whsec_` + base64 of 24 random bytes (Standard Webhooks secret format). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export const WEBHOOK_SECRET_GRACE_MS = 24 * 3600 * 1000;

export interface WebhookSecret {
  secret: string;
  createdAt: Timestamp;
  expiresAt: Timestamp | null;
}

/**
 * Rotation: the new secret signs from now on; every secret still valid keeps signing for the
 * grace period (never longer than it already would); expired ones are dropped.
 */
export function rotateSecrets(current: WebhookSecret[], fresh: string, now: Timestamp): WebhookSecret[] {
  const graceEnd = now.toMillis() + WEBHOOK_SECRET_GRACE_MS;
  const kept = current
    .filter((s) => !s.expiresAt || s.expiresAt.toMillis() > now.toMillis())
    .map((s) => ({
      ...s,
      expiresAt: Timestamp.fromMillis(Math.min(graceEnd, s.expiresAt ? s.expiresAt.toMillis() : graceEnd)),
    }));
  return [...kept, { secret: fresh, createdAt: now, expiresAt: null }];
}

/** A field that may be set, or cleared with `null`. */
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const SMS_SENDER_RE = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$|^\+[1-9]\d{6,14}$/;

/** `PATCH /settings`: a partial update; `null` clears an optional field. */
export const settingsPatchSchema = z.strictObject({
  name: z.string({ error: 'Must be a string.' }).trim().min(1, 'Must not be empty.').max(100, 'At most 100 characters.').optional(),
  branding: z
    .strictObject({
      logoUrl: clearable(httpUrl),
      accentColor: clearable(z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Must be a colour like #1d4ed8.')),
    })
    .optional(),
  settings: z
    .strictObject({
      paymentMethods: paymentMethodsSchema.optional(),
      locale: z.enum(SUPPORTED_LOCALES, { error: 'Must be "en" or "nb".' }).optional(),
      returnUrl: clearable(httpUrl),
      cancelUrl: clearable(httpUrl),
      callbackUrl: clearable(httpUrl),
      smsSender: clearable(z.string().regex(SMS_SENDER_RE, 'Up to 11 letters or digits (with at least one letter), or an E.164 number.')),
      smsTemplate: clearable(
        z
          .string()
          .max(1000, 'At most 1000 characters.')
          .refine((text) => text.includes('{link}'), { message: 'Must contain the {link} placeholder.', params: { code: 'missing_placeholder' } }),
      ),
      smsReceipts: z.boolean({ error: 'Must be true or false.' }).optional(),
      supportEmail: clearable(z.email({ error: 'Must be an email address.' }).max(254)),
      supportPhone: clearable(z.string().regex(E164_RE, 'Must be an E.164 number, such as +4722334455.')),
    })
    .optional(),
});
export type SettingsPatch = z.output<typeof settingsPatchSchema>;

/** Flattens a patch into Firestore update paths; `null` becomes a field delete. */
export function settingsUpdates(patch: SettingsPatch): Record<string, unknown> {
  const updates: Record<string, unknown> = {};
  if (patch.name !== undefined) updates.name = patch.name;
  for (const group of ['branding', 'settings'] as const) {
    const values = patch[group] as Record<string, unknown> | undefined;
    if (!values) continue;
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      updates[`${group}.${key}`] = value === null ? FieldValue.delete() : value;
    }
  }
  return updates;
}

export const createApiKeySchema = z.strictObject({
  name: z.string({ error: 'Give the key a name.' }).trim().min(1, 'Must not be empty.').max(64, 'At most 64 characters.'),
});

export const addUserSchema = z.strictObject({
  email: z.email({ error: 'Must be an email address.' }).max(254),
  role: z.enum(['owner', 'staff'], { error: 'Must be "owner" or "staff".' }),
});

export const statsQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1, 'At least 1.').max(90, 'At most 90.').default(30),
  /** Minutes to add to UTC to get the merchant's local time (e.g. 60 for CET); days are local days. */
  tzOffset: z.coerce.number().int().min(-840).max(840).default(0),
});

export interface DayBucket {
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  start: number;
  end: number;
}

/** The last `days` local days, oldest first, ending with today (which ends at the next midnight). */
export function dayBuckets(days: number, tzOffsetMinutes: number, nowMs: number): DayBucket[] {
  const offset = tzOffsetMinutes * 60_000;
  const localMidnight = Math.floor((nowMs + offset) / 86_400_000) * 86_400_000;
  const buckets: DayBucket[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const localStart = localMidnight - i * 86_400_000;
    buckets.push({
      date: new Date(localStart).toISOString().slice(0, 10),
      start: localStart - offset,
      end: localStart + 86_400_000 - offset,
    });
  }
  return buckets;
}

export const PAID_STATUSES = ['paid', 'partially_refunded', 'refunded'] as const;
/** Statuses only reachable after the payer opened the link (or paid directly). */
export const OPENED_OR_LATER = ['opened', 'processing', ...PAID_STATUSES] as const;
export const SMS_SENT_STATUSES = ['sent', 'delivered', 'undelivered'] as const;

export interface ApiKeyView {
  id: string;
  name: string;
  mode: Mode;
  prefix: string;
  createdAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const iso = (t: Timestamp | null | undefined): string | null => (t && typeof t.toDate === 'function' ? t.toDate().toISOString() : null);

export function apiKeyView(id: string, doc: ApiKeyDoc): ApiKeyView {
  return {
    id,
    name: doc.name,
    mode: doc.mode,
    prefix: doc.prefix,
    createdAt: iso(doc.createdAt),
    revokedAt: iso(doc.revokedAt),
    lastUsedAt: iso(doc.lastUsedAt),
  };
}

export function settingsView(merchant: MerchantDoc) {
  return {
    id: merchant.id,
    object: 'merchant_settings' as const,
    name: merchant.name,
    mode: merchant.mode,
    branding: merchant.branding ?? {},
    settings: merchant.settings,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings

export async function updateSettings(db: Firestore, merchantId: string, patch: SettingsPatch) {
  const ref = merchantRef(db, merchantId);
  const updates = settingsUpdates(patch);
  if (Object.keys(updates).length > 0) await ref.update(updates);
  const snap = await ref.get();
  return settingsView(snap.data() as MerchantDoc);
}

// ---------------------------------------------------------------------------------------------
// API keys

const apiKeys = (db: Firestore) => db.collection('apiKeys');

export async function listApiKeys(db: Firestore, merchantId: string) {
  // A merchant has a handful of keys: sorted here, so no composite index is needed.
  const snap = await apiKeys(db).where('merchantId', '==', merchantId).get();
  const data = snap.docs.map((d) => apiKeyView(d.id, d.data() as ApiKeyDoc)).sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  return { object: 'list', data, hasMore: false };
}

export async function createApiKey(db: Firestore, merchantId: string, mode: Mode, name: string) {
  const secret = newApiKeySecret(mode);
  const id = sha256Hex(secret);
  const doc: ApiKeyDoc = {
    merchantId,
    mode,
    prefix: apiKeyPrefix(secret),
    name,
    createdAt: Timestamp.now(),
    revokedAt: null,
    lastUsedAt: null,
  };
  await apiKeys(db).doc(id).create(doc);
  return { ...apiKeyView(id, doc), object: 'api_key', secret };
}

export async function revokeApiKey(db: Firestore, merchantId: string, id: string) {
  if (!/^[0-9a-f]{64}$/.test(id)) throw notFound('API key');
  const ref = apiKeys(db).doc(id);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const doc = snap.data() as ApiKeyDoc | undefined;
    if (!doc || doc.merchantId !== merchantId) throw notFound('API key');
    if (doc.revokedAt) return apiKeyView(id, doc);
    const revokedAt = Timestamp.now();
    tx.update(ref, { revokedAt });
    return apiKeyView(id, { ...doc, revokedAt });
  });
}

// ---------------------------------------------------------------------------------------------
// Callback signing secrets

const secretsRef = (db: Firestore, merchantId: string) => db.collection('merchantSecrets').doc(merchantId);

function secretsView(list: WebhookSecret[], nowMs: number) {
  return {
    object: 'list',
    data: list
      .filter((s) => !s.expiresAt || s.expiresAt.toMillis() > nowMs)
      .map((s) => ({ secret: s.secret, createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt) }))
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '')),
  };
}

export async function getWebhookSecrets(db: Firestore, merchantId: string) {
  const snap = await secretsRef(db, merchantId).get();
  return secretsView((snap.get('webhookSecrets') as WebhookSecret[] | undefined) ?? [], Date.now());
}

export async function rotateWebhookSecret(db: Firestore, merchantId: string) {
  const ref = secretsRef(db, merchantId);
  const list = await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const next = rotateSecrets((snap.get('webhookSecrets') as WebhookSecret[] | undefined) ?? [], newWebhookSecret(), Timestamp.now());
    tx.set(ref, { webhookSecrets: next }, { merge: true });
    return next;
  });
  return secretsView(list, Date.now());
}

// ---------------------------------------------------------------------------------------------
// Users (members)

/** The slice of firebase-admin's Auth the member endpoints use. */
export interface MemberAuth {
  getUser(uid: string): Promise<{ uid: string; email?: string; customClaims?: Record<string, unknown> }>;
  setCustomUserClaims(uid: string, claims: Record<string, unknown> | null): Promise<void>;
  revokeRefreshTokens(uid: string): Promise<void>;
}

const membersRef = (db: Firestore, merchantId: string) => merchantRef(db, merchantId).collection('members');

/**
 * `merchants/{m}/members/{uid}`: the membership the API and the Firestore rules check on every
 * call, so deleting it ends a member's access at once (token claims only name the merchant).
 */
export interface MemberDoc {
  email: string;
  role: MemberRole;
  createdAt: Timestamp;
}

/** The user's role at the merchant, or null when they are not (or no longer) a member. */
export async function memberRole(db: Firestore, merchantId: string, uid: string): Promise<MemberRole | null> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(uid) || !/^[A-Za-z0-9_-]{1,128}$/.test(merchantId)) return null;
  const role = (await membersRef(db, merchantId).doc(uid).get()).get('role') as unknown;
  return (MEMBER_ROLES as readonly unknown[]).includes(role) ? (role as MemberRole) : null;
}

const memberView = (uid: string, doc: MemberDoc) => ({ uid, email: doc.email, role: doc.role, createdAt: iso(doc.createdAt) });

export async function listMembers(db: Firestore, merchantId: string) {
  const snap = await membersRef(db, merchantId).get();
  const data = snap.docs.map((d) => memberView(d.id, d.data() as MemberDoc)).sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
  return { object: 'list', data, hasMore: false };
}

const isAuthError = (error: unknown, code: string) => (error as { code?: string } | null)?.code === code;

// ---------------------------------------------------------------------------------------------
// Invitations: access only for whoever proves control of the invited address

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * `invitations/{sha256(token)}` (server-only). The token (256 bits from the CSPRNG) is in the
 * invitation link only; the document holds its hash.
 */
export interface InvitationDoc {
  merchantId: string;
  email: string;
  role: MemberRole;
  invitedBy: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  acceptedAt: Timestamp | null;
  acceptedBy: string | null;
  revokedAt: Timestamp | null;
}

const invitations = (db: Firestore) => db.collection('invitations');

const invitationView = (id: string, doc: InvitationDoc) => ({
  id,
  object: 'invitation' as const,
  email: doc.email,
  role: doc.role,
  createdAt: iso(doc.createdAt),
  expiresAt: iso(doc.expiresAt),
});

export const isPendingInvitation = (doc: InvitationDoc, nowMs: number) => !doc.acceptedAt && !doc.revokedAt && doc.expiresAt.toMillis() > nowMs;

/** The link the owner hands the invitee; the token is in the fragment, so no server or referrer logs it. */
export const invitationUrl = (publicBaseUrl: string, token: string) => `${publicBaseUrl}/merchant/invite#${token}`;

export async function createInvitation(db: Firestore, merchantId: string, invitedBy: string | null, input: z.output<typeof addUserSchema>, publicBaseUrl: string) {
  const email = input.email.toLowerCase();
  const existing = await membersRef(db, merchantId).where('email', '==', email).limit(1).get();
  if (!existing.empty) {
    throw new DomainError('invalid_state', 'This email is already a user of this merchant.', { errors: [{ field: 'email', code: 'duplicate', message: 'Already a user.' }] });
  }
  const token = randomBytes(32).toString('base64url');
  const id = sha256Hex(token);
  const now = Timestamp.now();
  const doc: InvitationDoc = {
    merchantId,
    email,
    role: input.role,
    invitedBy,
    createdAt: now,
    expiresAt: Timestamp.fromMillis(now.toMillis() + INVITATION_TTL_MS),
    acceptedAt: null,
    acceptedBy: null,
    revokedAt: null,
  };
  await invitations(db).doc(id).create(doc);
  return { ...invitationView(id, doc), inviteUrl: invitationUrl(publicBaseUrl, token) };
}

export async function listInvitations(db: Firestore, merchantId: string, nowMs = Date.now()) {
  const snap = await invitations(db).where('merchantId', '==', merchantId).get();
  const data = snap.docs
    .filter((d) => isPendingInvitation(d.data() as InvitationDoc, nowMs))
    .map((d) => invitationView(d.id, d.data() as InvitationDoc))
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
  return { object: 'list', data, hasMore: false };
}

export async function revokeInvitation(db: Firestore, merchantId: string, id: string) {
  if (!/^[0-9a-f]{64}$/.test(id)) throw notFound('Invitation');
  const ref = invitations(db).doc(id);
  return db.runTransaction(async (tx) => {
    const doc = (await tx.get(ref)).data() as InvitationDoc | undefined;
    if (!doc || doc.merchantId !== merchantId || doc.acceptedAt) throw notFound('Invitation');
    if (!doc.revokedAt) tx.update(ref, { revokedAt: Timestamp.now() });
    return { ...invitationView(id, doc), revoked: true };
  });
}

/** What acceptance knows of the signed-in user: their verified ID token. */
export interface InvitedUser {
  uid: string;
  email?: string;
  email_verified?: boolean;
  merchantId?: unknown;
}

export const acceptInvitationSchema = z.strictObject({
  token: z.string({ error: 'The token from the invitation link.' }).regex(/^[A-Za-z0-9_-]{43}$/, 'The token from the invitation link.'),
});

/**
 * Makes the signed-in user a member, if they prove control of the invited address: their
 * account's email is verified (by Firebase's verification link, or by setting the password
 * through a reset link sent to it) and equals the invitation's. An account someone made
 * beforehand with that email, never verified, gains nothing.
 */
export async function acceptInvitation(db: Firestore, auth: MemberAuth, user: InvitedUser, token: string) {
  const ref = invitations(db).doc(sha256Hex(token));
  const invalid = () => new DomainError('not_found', 'This invitation is not valid any more; ask for a new one.');
  const found = (await ref.get()).data() as InvitationDoc | undefined;
  if (!found || found.revokedAt || (found.acceptedBy && found.acceptedBy !== user.uid) || (!found.acceptedAt && found.expiresAt.toMillis() <= Date.now())) throw invalid();
  if ((user.email ?? '').toLowerCase() !== found.email) {
    throw new DomainError('forbidden', 'This invitation is for another email address; sign in with the invited one.', { extra: { reason: 'email_mismatch' } });
  }
  if (user.email_verified !== true) {
    throw new DomainError('forbidden', 'Verify your email address first: open the link we sent you, then accept again.', { extra: { reason: 'email_not_verified' } });
  }
  if (typeof user.merchantId === 'string' && user.merchantId !== found.merchantId && (await memberRole(db, user.merchantId, user.uid))) {
    throw new DomainError('invalid_state', 'This account already belongs to another merchant.');
  }
  const member = await db.runTransaction(async (tx) => {
    const invitation = (await tx.get(ref)).data() as InvitationDoc | undefined;
    if (!invitation || invitation.revokedAt || (invitation.acceptedBy && invitation.acceptedBy !== user.uid)) throw invalid();
    const memberRef = membersRef(db, invitation.merchantId).doc(user.uid);
    if (invitation.acceptedAt) {
      // Accepting again answers the same, but never brings back a member who was removed since.
      const current = (await tx.get(memberRef)).data() as MemberDoc | undefined;
      if (!current) throw invalid();
      return { merchantId: invitation.merchantId, doc: current };
    }
    const doc: MemberDoc = { email: invitation.email, role: invitation.role, createdAt: Timestamp.now() };
    tx.set(memberRef, doc);
    tx.update(ref, { acceptedAt: doc.createdAt, acceptedBy: user.uid });
    return { merchantId: invitation.merchantId, doc };
  });
  // The claim only names the merchant for the dashboard; the membership document grants access.
  await auth.setCustomUserClaims(user.uid, { merchantId: member.merchantId, role: member.doc.role });
  return { ...memberView(user.uid, member.doc), object: 'user' as const, merchantId: member.merchantId };
}

export async function removeMember(db: Firestore, auth: MemberAuth, merchantId: string, uid: string, callerUid: string | null) {
  // Firebase uids are 1–128 characters; anything else is no member (and the Auth API would throw).
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(uid)) throw notFound('User');
  if (callerUid && uid === callerUid) {
    throw new DomainError('invalid_request', 'You cannot remove yourself; ask another owner.', {
      errors: [{ field: 'uid', code: 'self_removal', message: 'Cannot remove yourself.' }],
    });
  }
  const memberDoc = await membersRef(db, merchantId).doc(uid).get();
  let user: { customClaims?: Record<string, unknown> } | null = null;
  try {
    user = await auth.getUser(uid);
  } catch (error) {
    if (!isAuthError(error, 'auth/user-not-found')) throw error;
  }
  const claimsMatch = user?.customClaims?.merchantId === merchantId;
  if (!memberDoc.exists && !claimsMatch) throw notFound('User');
  // The membership document is what the API and the rules check: gone, access is gone.
  await memberDoc.ref.delete();
  if (claimsMatch) {
    await auth.setCustomUserClaims(uid, null);
    await auth.revokeRefreshTokens(uid);
  }
  return { uid, object: 'user', deleted: true };
}

// ---------------------------------------------------------------------------------------------
// Overview numbers: aggregation queries only (count and sum), never reading the invoices.

const MAX_CURRENCIES = 10;

/** Distinct currencies of the merchant's invoices in one mode by a skip scan: one document read per currency. */
async function currenciesOf(invoices: Query): Promise<string[]> {
  const found: string[] = [];
  let q: Query = invoices.orderBy('currency').select('currency').limit(1);
  for (let i = 0; i < MAX_CURRENCIES; i++) {
    const snap = await q.get();
    const currency = snap.docs[0]?.get('currency') as string | undefined;
    if (!currency) break;
    found.push(currency);
    q = invoices.where('currency', '>', currency).orderBy('currency').select('currency').limit(1);
  }
  return found;
}

/** The Overview of one mode (the key's, or the dashboard's switch): the modes never mix. */
export async function overviewStats(db: Firestore, account: Pick<MerchantDoc, 'id' | 'mode'>, options: { days: number; tzOffset: number }, nowMs = Date.now()) {
  const buckets = dayBuckets(options.days, options.tzOffset, nowMs);
  const from = Timestamp.fromMillis(buckets[0]!.start);
  const to = Timestamp.fromMillis(buckets[buckets.length - 1]!.end);
  const invoices = db.collection('invoices').where('merchantId', '==', account.id).where('mode', '==', account.mode);

  // Paid volume: per currency and local day, by paidAt (one range filter per query).
  const currencies = await currenciesOf(invoices);
  const volume = await Promise.all(
    currencies.map(async (currency) => {
      const days = await Promise.all(
        buckets.map(async (bucket) => {
          const snap = await invoices
            .where('currency', '==', currency)
            .where('paidAt', '>=', Timestamp.fromMillis(bucket.start))
            .where('paidAt', '<', Timestamp.fromMillis(bucket.end))
            .aggregate({ count: AggregateField.count(), amount: AggregateField.sum('amount') })
            .get();
          const data = snap.data();
          return { date: bucket.date, count: data.count, amount: data.amount ?? 0 };
        }),
      );
      return { currency, total: days.reduce((sum, d) => sum + d.amount, 0), count: days.reduce((sum, d) => sum + d.count, 0), days };
    }),
  );

  // Funnel for invoices created in the window. Only one range filter (createdAt) per query;
  // the steps are equality / `in` filters on status fields, a shape every Firestore (and the
  // emulator) serves from an index without multiple inequality filters.
  const created = invoices.where('createdAt', '>=', from).where('createdAt', '<', to);
  const count = async (q: Query) => (await q.count().get()).data().count;
  const [total, sent, delivered, opened, paid] = await Promise.all([
    count(created),
    count(created.where('sms.status', 'in', [...SMS_SENT_STATUSES])),
    count(created.where('sms.status', '==', 'delivered')),
    count(created.where('status', 'in', [...OPENED_OR_LATER])),
    count(created.where('status', 'in', [...PAID_STATUSES])),
  ]);

  return {
    object: 'overview',
    days: options.days,
    tzOffset: options.tzOffset,
    from: from.toDate().toISOString(),
    to: to.toDate().toISOString(),
    volume: volume.filter((v) => v.count > 0),
    funnel: { created: total, sent, delivered, opened, paid },
  };
}
