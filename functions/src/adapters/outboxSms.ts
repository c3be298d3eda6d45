import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { logger } from 'firebase-functions';
import type { SmsSender } from './smsSender';
import type { TaskQueue } from './tasks';

/** What the simulated payer's phone received, text as sent (PINs included): server-only, like a real handset. */
export const outboxHandsetRef = (db: Firestore, messageId: string) => db.collection('outboxHandset').doc(messageId);

/**
 * `SMS_PROVIDER=outbox`: nothing leaves the machine. The message is already stored (the
 * smsMessages document is the outbox the dashboard shows, PINs redacted); the text as sent goes
 * to the console and to `outboxHandset` (no client may read it), and a delivery receipt is
 * scheduled that goes through the same `recordSmsStatus` a real provider's receipt takes.
 */
export function outboxSmsSender(db: Firestore, tasks: TaskQueue, deliveryDelaySeconds: number): SmsSender {
  return {
    name: 'outbox',
    async send(sms) {
      logger.info(`[outbox] SMS to ${sms.to}: ${sms.body}`, { messageId: sms.messageId });
      await outboxHandsetRef(db, sms.messageId).set({ to: sms.to, body: sms.body, receivedAt: Timestamp.now() });
      await tasks.enqueue(
        'smsDeliveryReceipt',
        { provider: 'outbox', providerMessageId: sms.messageId, status: 'delivered', eventId: `outbox-dlr-${sms.messageId}` },
        { id: `dlr-${sms.messageId}`, delaySeconds: deliveryDelaySeconds },
      );
      return { provider: 'outbox', providerMessageId: sms.messageId };
    },
  };
}
