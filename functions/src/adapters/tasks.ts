import { getFunctions } from 'firebase-admin/functions';
import { adminApp } from './firestore';
import { REGION } from '../region';

export type QueueName = 'dispatchSms' | 'smsDeliveryReceipt' | 'deliverCallback' | 'expireInvoice' | 'sendReminder';

/** The port domain code uses to run work later or again. */
export interface TaskQueue {
  /** Enqueues once per `id`: a second enqueue with the same id is a no-op. */
  enqueue(queue: QueueName, payload: Record<string, unknown>, options: { id: string; at?: Date; delaySeconds?: number }): Promise<void>;
}

export const cloudTasks: TaskQueue = {
  async enqueue(queue, payload, { id, at, delaySeconds }) {
    const target = getFunctions(adminApp()).taskQueue(`locations/${REGION}/functions/${queue}`);
    try {
      await target.enqueue(payload, {
        id: id.replace(/[^A-Za-z0-9_-]/g, '_'),
        ...(at ? { scheduleTime: at } : { scheduleDelaySeconds: delaySeconds ?? 0 }),
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'functions/task-already-exists') return;
      throw error;
    }
  },
};
