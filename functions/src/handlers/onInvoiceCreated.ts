import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { REGION } from '../region';
import { getServices } from '../services';

/** Schedules an invoice's expiry and reminders, once per invoice (task ids are derived from it). */
export const onInvoiceCreated = onDocumentCreated({ document: 'invoices/{invoiceId}', region: REGION, retry: true }, async (event) => {
  const { tasks } = getServices();
  const id = event.params.invoiceId;
  const expiresAt = event.data?.get('expiresAt') as FirebaseFirestore.Timestamp | undefined;
  const createdAt = event.data?.get('createdAt') as FirebaseFirestore.Timestamp | undefined;
  const reminders = (event.data?.get('reminders') as { afterHours: number[] } | null | undefined)?.afterHours ?? [];
  if (expiresAt) await tasks.enqueue('expireInvoice', { invoiceId: id }, { id: `expire-${id}`, at: expiresAt.toDate() });
  for (const [index, hours] of reminders.entries()) {
    const at = new Date((createdAt?.toMillis() ?? Date.now()) + hours * 3_600_000);
    await tasks.enqueue('sendReminder', { invoiceId: id, index }, { id: `reminder-${id}-${index}`, at });
  }
});
