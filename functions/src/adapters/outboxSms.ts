import { logger } from 'firebase-functions';
import type { SmsSender } from './smsSender';
import type { TaskQueue } from './tasks';

/**
 * `SMS_PROVIDER=outbox`: nothing leaves the machine. The message is already stored (the
 * smsMessages document is the outbox the dashboard shows); we print it and schedule a
 * delivery receipt that goes through the same `recordSmsStatus` a real provider's receipt takes.
 */
export function outboxSmsSender(tasks: TaskQueue, deliveryDelaySeconds: number): SmsSender {
  return {
    name: 'outbox',
    async send(sms) {
      logger.info(`[outbox] SMS to ${sms.to}: ${sms.body}`, { messageId: sms.messageId });
      await tasks.enqueue(
        'smsDeliveryReceipt',
        { provider: 'outbox', providerMessageId: sms.messageId, status: 'delivered', eventId: `outbox-dlr-${sms.messageId}` },
        { id: `dlr-${sms.messageId}`, delaySeconds: deliveryDelaySeconds },
      );
      return { provider: 'outbox', providerMessageId: sms.messageId };
    },
  };
}
