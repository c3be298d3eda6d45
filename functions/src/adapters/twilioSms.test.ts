import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentSmsError } from './smsSender';
import { inboundKeyword, mapTwilioStatus, publicWebhookUrl, twilioSmsSender, verifyTwilioSignature, type TwilioHttpClient } from './twilioSms';

const ACCOUNT_SID = `AC${'0'.repeat(31)}1`;
const AUTH_TOKEN = 'test-auth-token';
const STATUS_CALLBACK = 'https://pay.example.com/webhooks/twilio/status';

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

/** Numbers that make the fake answer the way the real API does for that situation. */
const INVALID_NUMBER = '+4790000211';
const OPTED_OUT_NUMBER = '+4790000610';
const SERVER_ERROR_NUMBER = '+4790000500';
const RATE_LIMITED_NUMBER = '+4790000429';

function twilioError(code: number, status: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** A fake of Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded, Basic auth. */
function startFakeTwilio() {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const form = Object.fromEntries(new URLSearchParams(raw));
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      form,
    });
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };

    const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    if (req.headers.authorization !== expectedAuth) return answer(401, twilioError(20003, 401, 'Authenticate'));
    if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`) {
      return answer(404, twilioError(20404, 404, 'The requested resource was not found'));
    }
    if (!form.To) return answer(400, twilioError(21604, 400, "A 'To' phone number is required."));
    if (!form.Body) return answer(400, twilioError(21602, 400, 'Message body is required.'));
    if (!form.From && !form.MessagingServiceSid) {
      return answer(400, twilioError(21603, 400, "A 'From' or 'MessagingServiceSid' parameter is required."));
    }
    if (form.To === INVALID_NUMBER) return answer(400, twilioError(21211, 400, `The 'To' number ${form.To} is not a valid phone number.`));
    if (form.To === OPTED_OUT_NUMBER) return answer(400, twilioError(21610, 400, 'Attempt to send to unsubscribed recipient'));
    if (form.To === RATE_LIMITED_NUMBER) return answer(429, twilioError(20429, 429, 'Too Many Requests'));
    if (form.To === SERVER_ERROR_NUMBER) return answer(500, { message: 'Internal Server Error', status: 500 });

    answer(201, {
      sid: `SM${String(requests.length).padStart(32, '0')}`,
      account_sid: ACCOUNT_SID,
      status: 'queued',
      to: form.To,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      body: form.Body,
      num_segments: '1',
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
    });
  });
  return { server, requests };
}

/** The SDK's http client seam: sends what the SDK asked for api.twilio.com to the fake instead. */
function forwardingHttpClient(origin: string): TwilioHttpClient {
  const client = {
    async request(opts: { method: string; uri: string; username?: string; password?: string; headers?: Record<string, string>; data?: object }) {
      const target = new URL(opts.uri);
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.username && opts.password) {
        headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
      }
      const response = await fetch(`${origin}${target.pathname}${target.search}`, {
        method: opts.method.toUpperCase(),
        headers,
        body: opts.data ? new URLSearchParams(opts.data as Record<string, string>).toString() : undefined,
      });
      return { statusCode: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
    },
  };
  // The SDK's declared Response type is a class; a plain { statusCode, body, headers } is what it reads.
  return client as unknown as TwilioHttpClient;
}

describe('twilioSmsSender against a fake Twilio API', () => {
  const fake = startFakeTwilio();
  let origin = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  const sender = (overrides: { from?: string; messagingServiceSid?: string; origin?: string } = {}) =>
    twilioSmsSender({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      statusCallbackUrl: STATUS_CALLBACK,
      httpClient: forwardingHttpClient(overrides.origin ?? origin),
      ...(overrides.messagingServiceSid ? { messagingServiceSid: overrides.messagingServiceSid } : { from: overrides.from ?? '+4759440000' }),
    });

  const sms = (to: string, sender: string | null = null) => ({ messageId: 'sms_1', to, body: 'Demo Shop asks for 129,50 kr', sender });

  it('posts To, Body, StatusCallback and From with Basic auth, and returns the message sid', async () => {
    const sent = await sender().send(sms('+4791234567'));

    expect(sent).toEqual({ provider: 'twilio', providerMessageId: `SM${'1'.padStart(32, '0')}` });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(request?.form).toEqual({
      To: '+4791234567',
      Body: 'Demo Shop asks for 129,50 kr',
      StatusCallback: STATUS_CALLBACK,
      From: '+4759440000',
    });
  });

  it("uses the message's own sender (alphanumeric id) over the default From", async () => {
    await sender().send(sms('+4791234567', 'DemoShop'));
    expect(fake.requests[0]?.form.From).toBe('DemoShop');
  });

  it('sends through a Messaging Service when one is configured, without From', async () => {
    const serviceSid = `MG${'a'.repeat(32)}`;
    await sender({ messagingServiceSid: serviceSid }).send(sms('+4791234567', 'DemoShop'));
    expect(fake.requests[0]?.form).toEqual({
      To: '+4791234567',
      Body: 'Demo Shop asks for 129,50 kr',
      StatusCallback: STATUS_CALLBACK,
      MessagingServiceSid: serviceSid,
    });
  });

  it('refuses a configuration with neither From nor a Messaging Service', () => {
    expect(() => twilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbackUrl: STATUS_CALLBACK })).toThrow(/TWILIO_FROM/);
  });

  it('turns 21211 (invalid To) into a permanent error with the code', async () => {
    const error = await sender()
      .send(sms(INVALID_NUMBER))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSmsError);
    expect(error).toMatchObject({ providerCode: '21211', message: expect.stringContaining('not a valid phone number') });
  });

  it('turns 21610 (recipient replied STOP) into a permanent opted_out error', async () => {
    const error = await sender()
      .send(sms(OPTED_OUT_NUMBER))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSmsError);
    expect(error).toMatchObject({ providerCode: 'opted_out' });
  });

  it.each([
    ['a 500', SERVER_ERROR_NUMBER, 500],
    ['a 429', RATE_LIMITED_NUMBER, 429],
  ])('rethrows %s for the queue to retry', async (_label, to, status) => {
    const error = await sender()
      .send(sms(to))
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentSmsError);
    expect(error).toMatchObject({ status });
  });

  it('rethrows a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const error = await sender({ origin: deadOrigin })
      .send(sms('+4791234567'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSmsError);
  });
});

describe('verifyTwilioSignature', () => {
  const url = 'https://pay.example.com/webhooks/twilio/status';
  const params = { MessageSid: `SM${'1'.repeat(32)}`, MessageStatus: 'delivered', AccountSid: ACCOUNT_SID };
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);

  it('accepts a valid signature', async () => {
    expect(await verifyTwilioSignature(AUTH_TOKEN, url, params, signature)).toBe(true);
  });

  it('rejects a tampered parameter', async () => {
    expect(await verifyTwilioSignature(AUTH_TOKEN, url, { ...params, MessageStatus: 'failed' }, signature)).toBe(false);
  });

  it('rejects an added parameter', async () => {
    expect(await verifyTwilioSignature(AUTH_TOKEN, url, { ...params, ErrorCode: '30003' }, signature)).toBe(false);
  });

  it('rejects the right signature checked against another URL', async () => {
    expect(await verifyTwilioSignature(AUTH_TOKEN, 'https://pay.example.com/webhooks/twilio/inbound', params, signature)).toBe(false);
  });

  it('rejects a signature made with another auth token', async () => {
    expect(await verifyTwilioSignature('another-token', url, params, signature)).toBe(false);
  });

  it('rejects a missing or empty signature', async () => {
    expect(await verifyTwilioSignature(AUTH_TOKEN, url, params, undefined)).toBe(false);
    expect(await verifyTwilioSignature(AUTH_TOKEN, url, params, '')).toBe(false);
  });

  it('rejects a URL that cannot be parsed instead of throwing', async () => {
    expect(await verifyTwilioSignature(AUTH_TOKEN, 'not a url', params, signature)).toBe(false);
  });
});

describe('publicWebhookUrl', () => {
  it('rebuilds the URL Twilio called from PUBLIC_BASE_URL, path and query', () => {
    expect(publicWebhookUrl('https://pay.example.com', '/webhooks/twilio/status', '')).toBe('https://pay.example.com/webhooks/twilio/status');
    expect(publicWebhookUrl('https://pay.example.com/', '/webhooks/twilio/status', '?m=sms_1')).toBe('https://pay.example.com/webhooks/twilio/status?m=sms_1');
    expect(publicWebhookUrl('https://pay.example.com', 'webhooks/twilio/status', 'm=sms_1')).toBe('https://pay.example.com/webhooks/twilio/status?m=sms_1');
  });

  it('verifies a request that came through Hosting, where the function saw its own host', async () => {
    const params = { MessageSid: `SM${'2'.repeat(32)}`, MessageStatus: 'sent' };
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'https://pay.example.com/webhooks/twilio/status?m=sms_2', params);
    const internalUrl = 'https://europe-west1-demo.cloudfunctions.net/api/webhooks/twilio/status?m=sms_2';

    expect(await verifyTwilioSignature(AUTH_TOKEN, internalUrl, params, signature)).toBe(false);
    const rebuilt = publicWebhookUrl('https://pay.example.com', '/webhooks/twilio/status', 'm=sms_2');
    expect(await verifyTwilioSignature(AUTH_TOKEN, rebuilt, params, signature)).toBe(true);
  });
});

describe('mapTwilioStatus', () => {
  it.each([
    ['queued', 'queued'],
    ['accepted', 'queued'],
    ['scheduled', 'queued'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
    ['receiving', null],
    ['received', null],
    ['something-new', null],
  ])('%s → %s', (twilioStatus, ours) => {
    expect(mapTwilioStatus(twilioStatus)).toBe(ours);
  });
});

describe('inboundKeyword', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    ['  Stop \n', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['UNSUBSCRIBE', 'opt_out'],
    ['CANCEL', 'opt_out'],
    ['END', 'opt_out'],
    ['QUIT', 'opt_out'],
    ['REVOKE', 'opt_out'],
    ['OPTOUT', 'opt_out'],
    ['stopp', 'opt_out'],
    ['START', 'opt_in'],
    ['yes', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['HELP', 'help'],
    ['info', 'help'],
    ['STOP please', null],
    ['Please stop', null],
    ['STOP!', null],
    ['', null],
    ['123456', null],
  ])('%j → %s', (body, keyword) => {
    expect(inboundKeyword(body)).toBe(keyword);
  });
});
