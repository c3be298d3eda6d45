import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { REGION } from '../region';
import { getServices } from '../services';
import { recordSmsStatus } from '../domain/sms';
import type { SmsStatus } from '../domain/status';

/** The outbox provider's simulated delivery receipt, applied like a real provider's. */
export const smsDeliveryReceipt = onTaskDispatched<{ provider: string; providerMessageId: string; status: SmsStatus }>(
  { region: REGION, retryConfig: { maxAttempts: 5, minBackoffSeconds: 5 } },
  async (request) => {
    const { provider, providerMessageId, status } = request.data;
    await recordSmsStatus(getServices().db, { provider, providerMessageId, status });
  },
);
