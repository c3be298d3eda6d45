import type { Request } from 'firebase-functions/v2/https';
import { publicWebhookUrl, verifyTwilioSignature } from '../adapters/twilioSms';

/**
 * The form parameters of a Twilio webhook, or null when its X-Twilio-Signature does not verify
 * against the public URL Twilio called (PUBLIC_BASE_URL + path, as Hosting forwarded it).
 */
export async function verifiedTwilioParams(req: Request, path: string, publicBaseUrl: string, authToken: string): Promise<Record<string, string> | null> {
  if (req.method !== 'POST') return null;
  const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const valid = await verifyTwilioSignature(authToken, publicWebhookUrl(publicBaseUrl, path, query), params, req.header('x-twilio-signature'));
  return valid ? params : null;
}
