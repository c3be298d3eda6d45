import type twilio from 'twilio';
import type { SmsStatus } from '../domain/status';
import { PermanentSmsError, type SmsSender } from './smsSender';

/** The one method of the SDK's `RequestClient` the client calls; tests pass their own. */
export type TwilioHttpClient = Pick<twilio.RequestClient, 'request'>;

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  /** Our `/webhooks/twilio/status` under PUBLIC_BASE_URL. */
  statusCallbackUrl: string;
  httpClient?: TwilioHttpClient;
}

/**
 * Error codes the Messages API answers synchronously where sending the same message again cannot
 * succeed. (Carrier errors such as 30003/30005/30006 arrive later, in status callbacks, not here.)
 */
const PERMANENT_ERROR_CODES = new Set([
  21211, // 'To' is not a valid phone number
  21265, // 'To' is a short code
  21408, // sending to this region is not enabled on the account
  21608, // trial account: 'To' is not a verified number
  21610, // the recipient replied STOP to this sender
  21612, // 'To' cannot be reached from this sender
  21614, // 'To' is not a mobile number
  21635, // 'To' is a landline
]);
const UNSUBSCRIBED_RECIPIENT = 21610;

/** Twilio API errors (RestException, TwilioServiceException) carry a numeric code; network errors do not. */
function twilioErrorCode(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'number' ? error.code : null;
}

/**
 * `SMS_PROVIDER=twilio`. Errors that retrying cannot fix become `PermanentSmsError`; everything
 * else (429, 5xx, network) is rethrown for the queue to retry.
 */
export function twilioSmsSender(options: TwilioSmsOptions): SmsSender {
  if (!options.from && !options.messagingServiceSid) {
    throw new Error('Twilio needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID.');
  }
  let client: Promise<twilio.Twilio> | undefined;
  // The SDK is large; load it on the first send rather than on every cold start.
  const twilioClient = () =>
    (client ??= import('twilio').then(({ default: createClient }) =>
      createClient(options.accountSid, options.authToken, {
        // The SDK only ever calls `request` on its http client.
        httpClient: options.httpClient as twilio.RequestClient | undefined,
      }),
    ));

  return {
    name: 'twilio',
    async send(sms) {
      const api = await twilioClient();
      try {
        const message = await api.messages.create({
          to: sms.to,
          body: sms.body,
          statusCallback: options.statusCallbackUrl,
          ...(options.messagingServiceSid ? { messagingServiceSid: options.messagingServiceSid } : { from: sms.sender ?? options.from }),
        });
        return { provider: 'twilio', providerMessageId: message.sid };
      } catch (error) {
        const code = twilioErrorCode(error);
        if (code === null || !PERMANENT_ERROR_CODES.has(code)) throw error;
        throw new PermanentSmsError(code === UNSUBSCRIBED_RECIPIENT ? 'opted_out' : String(code), (error as Error).message);
      }
    },
  };
}

/** Twilio's message status (status callback `MessageStatus`) as our SMS status; null for inbound states. */
export function mapTwilioStatus(status: string): SmsStatus | null {
  switch (status) {
    case 'queued':
    case 'accepted':
    case 'scheduled':
      return 'queued';
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

/** Checks `X-Twilio-Signature` against the URL Twilio called and the POSTed form parameters. */
export async function verifyTwilioSignature(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): Promise<boolean> {
  if (!signature) return false;
  const { default: sdk } = await import('twilio');
  try {
    return sdk.validateRequest(authToken, signature, url, params);
  } catch {
    // validateRequest parses the URL; a malformed one cannot have been signed.
    return false;
  }
}

/**
 * The URL Twilio signed. Behind Firebase Hosting the function sees its own host, but Twilio signed
 * the public one it called: PUBLIC_BASE_URL + the original path + query string.
 */
export function publicWebhookUrl(publicBaseUrl: string, path: string, query: string): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const search = query.replace(/^\?/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}${search ? `?${search}` : ''}`;
}

// Twilio's default keywords for long codes, plus Norwegian STOPP.
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'STOPP']);
const OPT_IN_KEYWORDS = new Set(['START', 'YES', 'UNSTOP']);
const HELP_KEYWORDS = new Set(['HELP', 'INFO']);

/** An inbound SMS that is exactly one keyword (trimmed, any case); anything else is null. */
export function inboundKeyword(body: string): 'opt_out' | 'opt_in' | 'help' | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return 'opt_out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opt_in';
  if (HELP_KEYWORDS.has(word)) return 'help';
  return null;
}
