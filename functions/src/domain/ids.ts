import { randomBytes, createHash, randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `prefix_` + 22 base62 characters (~131 bits from the CSPRNG), in the style of Stripe ids. */
export function newId(prefix: 'inv' | 'txn' | 'evt' | 'sms' | 'cs' | 'pi' | 'key' | 're' | 'op'): string {
  let out = '';
  for (let i = 0; i < 22; i++) out += ALPHABET[randomInt(62)];
  return `${prefix}_${out}`;
}

/** Pay tokens carry 192 bits from the CSPRNG, URL-safe. */
export function newPayToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

/** `prefix_` + 22 base62 characters derived from `seed`: the same seed always names the same object. */
export function derivedId(prefix: 'inv', seed: string): string {
  let n = BigInt(`0x${sha256Hex(seed)}`);
  let out = '';
  for (let i = 0; i < 22; i++) {
    out += ALPHABET[Number(n % 62n)];
    n /= 62n;
  }
  return `${prefix}_${out}`;
}
