import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** Spec: a PIN is valid for 10 minutes and allows at most 3 wrong tries per transaction. */
export const PIN_TTL_MS = 10 * 60_000;
export const PIN_MAX_ATTEMPTS = 3;

const PIN_PATTERN = /^\d{6}$/;

/** Six digits from the CSPRNG; leading zeros are kept, so every PIN has the same length. */
export function generatePin(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * Keyed hash of the PIN, bound to one transaction and amount: a PIN sent for one charge cannot
 * confirm another, nor the same transaction at another amount. The pepper (a server secret)
 * keeps a leaked hash from being brute-forced over the 10^6 possible PINs.
 */
export function hashPin(pin: string, transactionId: string, amount: number, pepper: string): string {
  return createHmac('sha256', pepper).update(`${transactionId}:${amount}:${pin}`).digest('hex');
}

export interface PinState {
  hash: string;
  expiresAt: number;
  /** Wrong tries so far. */
  attempts: number;
  used: boolean;
}

export interface PinInput {
  pin: string;
  transactionId: string;
  amount: number;
  pepper: string;
  now: number;
}

export type PinCheck = { ok: true } | { ok: false; reason: 'expired' | 'used' | 'locked' | 'wrong' | 'malformed'; attemptsLeft: number };

/**
 * Decides one PIN try without touching storage. The caller persists
 * `attempts = PIN_MAX_ATTEMPTS - attemptsLeft` after a failure (only a wrong PIN moves it) and
 * `used = true` after success. The wrong try that uses up the last attempt answers `locked`.
 */
export function checkPin(state: PinState, input: PinInput): PinCheck {
  const remaining = Math.max(0, PIN_MAX_ATTEMPTS - state.attempts);
  if (state.used) return { ok: false, reason: 'used', attemptsLeft: remaining };
  if (remaining === 0) return { ok: false, reason: 'locked', attemptsLeft: 0 };
  if (input.now >= state.expiresAt) return { ok: false, reason: 'expired', attemptsLeft: remaining };
  // A typo in the format is not a guess, so it costs no attempt.
  if (!PIN_PATTERN.test(input.pin)) return { ok: false, reason: 'malformed', attemptsLeft: remaining };

  const expected = Buffer.from(state.hash, 'hex');
  const actual = Buffer.from(hashPin(input.pin, input.transactionId, input.amount, input.pepper), 'hex');
  if (expected.length === actual.length && timingSafeEqual(expected, actual)) return { ok: true };

  const attemptsLeft = remaining - 1;
  return { ok: false, reason: attemptsLeft === 0 ? 'locked' : 'wrong', attemptsLeft };
}
