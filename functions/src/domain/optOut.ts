import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { optOutRef, recordSmsStatus } from './sms';
import { INVOICE_STATUSES, isPayable } from './status';
import type { InvoiceDoc } from './types';

const OPEN = ['scheduled', 'sending', 'sent', 'opened'];
const PAYABLE = INVOICE_STATUSES.filter(isPayable);

/** Mirrors the opt-out list on the number's invoices that can still be paid (`sms.optedOut`). */
async function markOptedOut(db: Firestore, phone: string, optedOut: boolean): Promise<void> {
  const invoices = optedOut
    ? await db.collection('invoices').where('payer.phone', '==', phone).where('status', 'in', PAYABLE).get()
    : await db.collection('invoices').where('payer.phone', '==', phone).where('sms.optedOut', '==', true).get();
  await Promise.all(invoices.docs.filter((doc) => doc.get('sms.optedOut') !== optedOut).map((doc) => doc.ref.update({ 'sms.optedOut': optedOut })));
}

/**
 * A payer answered STOP: no SMS goes to the number from now on, and every open invoice's
 * payment-request SMS is marked opted out (with its `invoice.sms.failed` callback) so the
 * merchant knows to reach the payer another way.
 */
export async function optOut(db: Firestore, phone: string, keyword: string): Promise<number> {
  await optOutRef(db, phone).set({ phone, keyword, at: Timestamp.now() });
  const open = await db.collection('invoices').where('payer.phone', '==', phone).where('status', 'in', OPEN).get();
  let marked = 0;
  for (const doc of open.docs) {
    const invoice = doc.data() as InvoiceDoc;
    if (!invoice.sms.messageId) continue;
    const outcome = await recordSmsStatus(db, { messageId: invoice.sms.messageId, status: 'opted_out', failureCode: 'opted_out' });
    if (outcome === 'applied') marked++;
  }
  await markOptedOut(db, phone, true);
  return marked;
}

/** START: the number receives SMS again. */
export async function optIn(db: Firestore, phone: string): Promise<void> {
  await optOutRef(db, phone).delete();
  await markOptedOut(db, phone, false);
}
