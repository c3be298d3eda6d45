import { api } from './api';

/** The newest outbox SMS of a kind for an invoice, read through the emulator-only dev endpoint. */
export async function waitForSms(key: string, invoiceId: string, kind: 'invoice' | 'pin' | 'receipt', timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outbox = await api('GET', '/dev/outbox', { key });
    const found = (outbox.body.data as { invoiceId: string; kind: string; body: string; status: string }[]).find(
      (m) => m.invoiceId === invoiceId && m.kind === kind,
    );
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No ${kind} SMS for ${invoiceId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const pinFrom = (body: string) => /\b(\d{6})\b/.exec(body)![1]!;
