import type { CardEvent } from './cardProvider';

interface StripeLikeEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

const metadataOf = (object: Record<string, unknown>) => (object.metadata ?? {}) as Record<string, string | undefined>;

/**
 * Stripe's event types we act on, reduced to our `CardEvent`. Used by the `stripe` adapter and by
 * the sandbox, whose checkout emits the same event shapes, so both run one code path.
 */
export function cardEventFromStripe(event: StripeLikeEvent): CardEvent {
  const object = event.data.object;
  // Refunds made in Stripe's dashboard arrive on the charge, which carries the payment intent only.
  if (event.type === 'charge.refunded' && typeof object.payment_intent === 'string') {
    return { kind: 'refunded', eventId: event.id, paymentId: object.payment_intent, amountRefunded: Number(object.amount_refunded ?? 0) };
  }
  const transactionId = metadataOf(object).transactionId ?? (object.client_reference_id as string | undefined);
  if (!transactionId) return { kind: 'ignored', eventId: event.id, type: event.type };
  switch (event.type) {
    case 'checkout.session.completed':
      return object.payment_status === 'paid' || object.payment_status === 'no_payment_required'
        ? { kind: 'payment_succeeded', eventId: event.id, transactionId, sessionId: String(object.id), paymentId: (object.payment_intent as string | null) ?? null }
        : { kind: 'payment_pending', eventId: event.id, transactionId, sessionId: String(object.id) };
    case 'checkout.session.async_payment_succeeded':
      return { kind: 'payment_succeeded', eventId: event.id, transactionId, sessionId: String(object.id), paymentId: (object.payment_intent as string | null) ?? null };
    case 'checkout.session.async_payment_failed':
      return { kind: 'payment_failed', eventId: event.id, transactionId, failureCode: 'payment_failed', failureMessage: 'The payment failed.' };
    case 'checkout.session.expired':
      return { kind: 'session_expired', eventId: event.id, transactionId, sessionId: String(object.id) };
    case 'payment_intent.payment_failed': {
      const lastError = (object.last_payment_error ?? {}) as { code?: string; decline_code?: string; message?: string };
      return {
        kind: 'payment_failed',
        eventId: event.id,
        transactionId,
        failureCode: lastError.decline_code ?? lastError.code ?? 'card_declined',
        failureMessage: lastError.message ?? 'Your card was declined.',
      };
    }
    default:
      return { kind: 'ignored', eventId: event.id, type: event.type };
  }
}
