import type { ConnectAccountStatus } from '../domain/types';
import type { CardEvent, PaymentEvidence } from './cardProvider';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOr = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const integerOr = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) ? value : null);
/** Stripe sends ids, but an expanded field is an object with an `id`. */
const idOf = (value: unknown): string | null => stringOr(value) ?? (isObject(value) ? stringOr(value.id) : null);

// Ids we use as Firestore document ids: anything else (a slash, `__x__`) is not one of ours.
const EVENT_ID = /^[A-Za-z0-9_-]{1,200}$/;
const TRANSACTION_ID = /^txn_[A-Za-z0-9]{1,64}$/;
const ACCOUNT_ID = /^acct_[A-Za-z0-9]{1,64}$/;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** A Stripe Account object (Accounts API, or an `account.updated` event's object) reduced to what a merchant's status needs. */
export function connectStatusOf(account: unknown): ConnectAccountStatus {
  const object = isObject(account) ? account : {};
  const requirements = isObject(object.requirements) ? object.requirements : {};
  return {
    accountId: stringOr(object.id) ?? '',
    chargesEnabled: object.charges_enabled === true,
    payoutsEnabled: object.payouts_enabled === true,
    detailsSubmitted: object.details_submitted === true,
    requirementsDue: [...new Set([...strings(requirements.currently_due), ...strings(requirements.past_due)])].sort(),
    disabledReason: stringOr(requirements.disabled_reason),
  };
}

/** What a Checkout Session or PaymentIntent says about the money, to be compared with our transaction. */
function evidenceOf(object: Json, livemode: unknown, kind: 'session' | 'payment_intent' | 'charge', account: string | null): PaymentEvidence {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  return {
    ...(account ? { account } : {}),
    sessionId: kind === 'session' ? stringOr(object.id) : null,
    paymentId: kind === 'session' ? idOf(object.payment_intent) : kind === 'payment_intent' ? stringOr(object.id) : idOf(object.payment_intent),
    amount: integerOr(kind === 'session' ? object.amount_total : object.amount),
    currency: stringOr(object.currency)?.toUpperCase() ?? null,
    merchantId: stringOr(metadata.merchantId),
    livemode: typeof livemode === 'boolean' ? livemode : null,
  };
}

/**
 * Stripe's event types we act on, reduced to our `CardEvent`. Used by the `stripe` adapter and by
 * the sandbox, whose checkout emits the same event shapes, so both run one code path. The body is
 * signed but its shape is not ours to trust: anything odd becomes `ignored`, never an exception.
 */
export function cardEventFromStripe(event: unknown): CardEvent {
  const root = isObject(event) ? event : {};
  const eventId = stringOr(root.id) ?? '';
  const type = stringOr(root.type) ?? '';
  const ignored: CardEvent = { kind: 'ignored', eventId, type };
  const object = isObject(root.data) && isObject(root.data.object) ? root.data.object : null;
  if (!EVENT_ID.test(eventId) || !object) return ignored;
  // A Connect event names the connected account it happened on; the platform's own events do not.
  const account = stringOr(root.account);

  if (type === 'account.updated') {
    const status = connectStatusOf(object);
    const created = integerOr(root.created);
    // Believed only about the account that sent it.
    if (!account || !ACCOUNT_ID.test(account) || status.accountId !== account || created === null) return ignored;
    return { kind: 'account_updated', eventId, created, livemode: typeof root.livemode === 'boolean' ? root.livemode : null, account: status };
  }

  // Refunds made in Stripe's dashboard arrive on the charge, which carries the payment intent only.
  if (type === 'charge.refunded') {
    const evidence = evidenceOf(object, root.livemode, 'charge', account);
    const amountRefunded = integerOr(object.amount_refunded);
    if (!evidence.paymentId || amountRefunded === null) return ignored;
    return { kind: 'refunded', eventId, evidence: { ...evidence, paymentId: evidence.paymentId }, amountRefunded };
  }
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const transactionId = stringOr(metadata.transactionId) ?? stringOr(object.client_reference_id);
  if (!transactionId || !TRANSACTION_ID.test(transactionId)) return ignored;
  const session = evidenceOf(object, root.livemode, 'session', account);
  switch (type) {
    case 'checkout.session.completed':
      return object.payment_status === 'paid' || object.payment_status === 'no_payment_required'
        ? { kind: 'payment_succeeded', eventId, transactionId, evidence: session }
        : { kind: 'payment_pending', eventId, transactionId, evidence: session };
    case 'checkout.session.async_payment_succeeded':
      return { kind: 'payment_succeeded', eventId, transactionId, evidence: session };
    case 'checkout.session.async_payment_failed':
      return { kind: 'payment_failed', eventId, transactionId, evidence: session, failureCode: 'payment_failed', failureMessage: 'The payment failed.' };
    case 'checkout.session.expired':
      return { kind: 'session_expired', eventId, transactionId, evidence: session };
    case 'payment_intent.payment_failed': {
      const lastError = isObject(object.last_payment_error) ? object.last_payment_error : {};
      return {
        kind: 'payment_failed',
        eventId,
        transactionId,
        evidence: evidenceOf(object, root.livemode, 'payment_intent', account),
        failureCode: stringOr(lastError.decline_code) ?? stringOr(lastError.code) ?? 'card_declined',
        failureMessage: stringOr(lastError.message) ?? 'Your card was declined.',
      };
    }
    default:
      return ignored;
  }
}
