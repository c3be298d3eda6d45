// `node scripts/sms-inbound.mjs +4791234567 STOP`: plays Twilio delivering a payer's reply to our
// number, so STOP (and its synonyms, STOPP …) and START can be tried on `npm start`. Signs the
// request with X-Twilio-Signature the way Twilio does (twilio's own helper), with the emulator's
// TWILIO_AUTH_TOKEN from functions/.secret.local, over the public URL the function checks.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';

const [from, ...words] = process.argv.slice(2);
if (!from || words.length === 0) {
  console.error('Usage: node scripts/sms-inbound.mjs <payer phone, E.164> <reply text, e.g. STOP or START>');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const secrets = readFileSync(join(root, 'functions', '.secret.local'), 'utf8');
const authToken = process.env.TWILIO_AUTH_TOKEN ?? /^TWILIO_AUTH_TOKEN=(.*)$/m.exec(secrets)?.[1];
if (!authToken) {
  console.error('No TWILIO_AUTH_TOKEN in functions/.secret.local: run `npm start` once first.');
  process.exit(1);
}
const base = (process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:5000').replace(/\/+$/, '');
const url = `${base}/webhooks/twilio/inbound`;
const params = {
  MessageSid: `SM${Date.now().toString(16).padStart(32, '0')}`,
  AccountSid: 'AC00000000000000000000000000000000',
  From: from,
  To: process.env.TWILIO_FROM ?? '+4759440000',
  Body: words.join(' '),
  NumMedia: '0',
};
const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
  body: new URLSearchParams(params).toString(),
});
console.log(`${response.status} ${await response.text()}`);
process.exit(response.ok ? 0 : 1);
