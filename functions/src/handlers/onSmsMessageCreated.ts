import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { REGION } from '../region';
import { getServices } from '../services';

/**
 * The SMS outbox: a message document written in the same transaction as its invoice is handed
 * to the `dispatchSms` queue here, at its `sendAt` if scheduled. Triggers run at least once and
 * the task id is the message id, so a message is queued exactly once; a failed enqueue retries
 * the trigger, and the sweeper re-queues any message whose task was lost all the same.
 */
export const onSmsMessageCreated = onDocumentCreated({ document: 'smsMessages/{messageId}', region: REGION, retry: true }, async (event) => {
  const sendAt = event.data?.get('sendAt') as FirebaseFirestore.Timestamp | null | undefined;
  await getServices().tasks.enqueue('dispatchSms', { messageId: event.params.messageId }, { id: `sms-${event.params.messageId}`, ...(sendAt ? { at: sendAt.toDate() } : {}) });
});
