import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { SMS_SECRETS, TWILIO_AUTH_TOKEN } from '../params';
import { getServices } from '../services';
import { verifiedTwilioParams } from '../http/twilio';
import { inboundKeyword } from '../adapters/twilioSms';
import { optIn, optOut } from '../domain/optOut';

/** `POST /webhooks/twilio/inbound`: replies to our number. STOP and its synonyms opt out, START opts in. */
export const twilioInboundWebhook = onRequest({ region: REGION, secrets: SMS_SECRETS, memory: '256MiB' }, async (req, res) => {
  const services = getServices();
  const params = await verifiedTwilioParams(req, '/webhooks/twilio/inbound', services.publicBaseUrl, TWILIO_AUTH_TOKEN.value());
  if (!params) {
    res.status(403).type('text/plain').send('Invalid signature');
    return;
  }
  const from = params.From ?? '';
  const keyword = inboundKeyword(params.Body ?? '');
  if (from && keyword === 'opt_out') logger.info('opt-out', { marked: await optOut(services.db, from, (params.Body ?? '').trim().toUpperCase()) });
  if (from && keyword === 'opt_in') await optIn(services.db, from);
  // Twilio sends its own STOP/START confirmations; we answer with an empty TwiML response.
  res.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
});
