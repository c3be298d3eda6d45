import { api } from './api';
import { admin } from './admin';

/**
 * The newest outbox SMS of a kind for an invoice, read through the emulator-only dev endpoint, as
 * the merchant sees it. A PIN SMS is redacted there (merchant users never see a payer's PIN), so
 * for `pin` the body is the text the payer's phone got: the outbox provider's simulated handset
 * (`outboxHandset`, server-only), read with the Admin SDK.
 */
export async function waitForSms(key: string, invoiceId: string, kind: 'invoice' | 'pin' | 'receipt', timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outbox = await api('GET', '/dev/outbox', { key });
    const found = (outbox.body.data as { id: string; invoiceId: string; kind: string; body: string; status: string }[]).find((m) => m.invoiceId === invoiceId && m.kind === kind);
    if (found && kind !== 'pin') return found;
    if (found) {
      const received = await handsetText(found.id);
      if (received) return { ...found, body: received };
    }
    if (Date.now() > deadline) throw new Error(`No ${kind} SMS for ${invoiceId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The text as the payer's phone got it, once the outbox provider has sent it. */
export async function handsetText(messageId: string): Promise<string | null> {
  return ((await admin().db.collection('outboxHandset').doc(messageId).get()).get('body') as string | undefined) ?? null;
}

export const pinFrom = (body: string) => /\b(\d{6})\b/.exec(body)![1]!;
