import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { SMS_SECRETS, TWILIO_AUTH_TOKEN } from '../params';
import { getServices } from '../services';
import { verifiedTwilioParams } from '../http/twilio';
import { mapTwilioStatus } from '../adapters/twilioSms';
import { recordSmsStatus } from '../domain/sms';

/**
 * `POST /webhooks/twilio/status`: Twilio's message status callbacks. The signature is checked
 * against the public URL Twilio called (through Hosting) before anything is read; statuses
 * then move only forward, so duplicates and out-of-order callbacks change nothing.
 */
export const twilioStatusWebhook = onRequest({ region: REGION, secrets: SMS_SECRETS, memory: '256MiB' }, async (req, res) => {
  const services = getServices();
  const params = await verifiedTwilioParams(req, '/webhooks/twilio/status', services.publicBaseUrl, TWILIO_AUTH_TOKEN.value());
  if (!params) {
    res.status(403).type('text/plain').send('Invalid signature');
    return;
  }
  const status = mapTwilioStatus(params.MessageStatus ?? '');
  if (status && params.MessageSid) {
    const outcome = await recordSmsStatus(services.db, {
      provider: 'twilio',
      providerMessageId: params.MessageSid,
      status,
      ...(params.ErrorCode ? { failureCode: params.ErrorCode } : {}),
    });
    logger.info('twilio status', { sid: params.MessageSid, status, outcome });
  }
  res.status(204).end();
});
