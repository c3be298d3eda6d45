import type { Firestore } from 'firebase-admin/firestore';
import type { CardEvent, CardProvider } from '../adapters/cardProvider';
import { applyCardEvent } from './cardEvents';
import { recordPaymentDetails } from './billing';
import { DomainError } from './errors';
import type { Mode } from './types';

export interface CardWebhookDeps {
  db: Firestore;
  /** The card providers that may sign a webhook, with their mode (services.cardWebhookSources). */
  cardWebhookSources(): { mode: Mode; card: CardProvider }[];
}

/**
 * A card provider's webhook delivery: the signature is checked on the raw body before anything is
 * read; the secret that verifies it says which mode's provider sent it (live Stripe, test Stripe or
 * the sandbox), and the event then changes only a transaction of that mode and provider. The
 * `/webhooks/stripe` function and the sandbox checkout (in-process, no HTTP call to itself) both
 * come here.
 */
export async function receiveCardWebhook(deps: CardWebhookDeps, rawBody: Buffer, signatureHeader: string | undefined) {
  let verified: { mode: Mode; card: CardProvider; event: CardEvent } | null = null;
  let refusal: unknown = new DomainError('invalid_request', 'No card provider is configured to receive webhooks.');
  for (const { mode, card } of deps.cardWebhookSources()) {
    try {
      verified = { mode, card, event: await card.parseWebhook(rawBody, signatureHeader) };
      break;
    } catch (error) {
      refusal = error;
    }
  }
  if (!verified) throw refusal;
  const { mode, card, event } = verified;
  const outcome = await applyCardEvent(deps.db, card.name, event, mode);
  const details = event.kind === 'payment_succeeded' ? await recordPaymentDetails(deps.db, card, event.transactionId) : undefined;
  return { mode, event, outcome, details };
}
