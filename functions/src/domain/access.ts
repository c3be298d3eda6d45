/**
 * The one role table: who may do what, for the API (http/auth.ts checks every route against
 * `API_ACCESS`) and for Firestore reads (firestore.rules mirrors `FIRESTORE_READ_ACCESS`; the
 * rules and API tests walk both tables, so a change here that the rules or routes do not follow
 * fails a test).
 *
 * Callers: `api` is a secret key, acting for the merchant on invoices, transactions, events and
 * settings, never on people, keys or signing secrets; `owner` and `staff` are dashboard users
 * (Firebase ID token plus a membership document).
 */
export const CALLER_ROLES = ['api', 'owner', 'staff'] as const;
export type CallerRole = (typeof CALLER_ROLES)[number];
export const MEMBER_ROLES = ['owner', 'staff'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const everyone = ['api', 'owner', 'staff'] as const satisfies readonly CallerRole[];
const merchantSide = ['api', 'owner'] as const satisfies readonly CallerRole[];
const ownersOnly = ['owner'] as const satisfies readonly CallerRole[];

export const API_ACCESS = {
  'invoices.create': everyone,
  'invoices.import': everyone,
  'invoices.read': everyone,
  'invoices.cancel': everyone,
  'invoices.resend': everyone,
  'invoices.refund': merchantSide,
  'transactions.create': merchantSide,
  'transactions.read': everyone,
  'transactions.verify': merchantSide,
  'events.read': merchantSide,
  'events.redeliver': merchantSide,
  'settings.read': everyone,
  'settings.update': merchantSide,
  'stats.read': everyone,
  'account.read': everyone,
  'stripe.read': ownersOnly,
  'stripe.connect': ownersOnly,
  'outbox.read': everyone,
  'apiKeys.read': ownersOnly,
  'apiKeys.create': ownersOnly,
  'apiKeys.revoke': ownersOnly,
  'signingSecrets.read': ownersOnly,
  'signingSecrets.rotate': ownersOnly,
  'members.read': ownersOnly,
  'members.invite': ownersOnly,
  'members.remove': ownersOnly,
} as const satisfies Record<string, readonly CallerRole[]>;
export type ApiAction = keyof typeof API_ACCESS;

export function mayCall(role: CallerRole, action: ApiAction): boolean {
  return (API_ACCESS[action] as readonly CallerRole[]).includes(role);
}

/**
 * Which members may read which client-visible documents (paths relative to the database root;
 * `{m}` is the member's merchant). Every other document is server-only. Clients never write.
 */
export const FIRESTORE_READ_ACCESS = {
  'merchants/{m}': MEMBER_ROLES,
  'invoices/{id}': MEMBER_ROLES,
  'invoices/{id}/events/{event}': MEMBER_ROLES,
  'transactions/{id}': MEMBER_ROLES,
  'smsMessages/{id}': MEMBER_ROLES,
  'callbackEvents/{id}': ['owner'],
  'callbackEvents/{id}/attempts/{attempt}': ['owner'],
  'apiKeys/{hash}': ['owner'],
} as const satisfies Record<string, readonly MemberRole[]>;
