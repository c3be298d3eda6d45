import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PIN_MAX_ATTEMPTS, PIN_TTL_MS, checkPin, generatePin, hashPin, type PinState } from './pin';

const PEPPER = 'test-pepper';
const TXN = 'txn_abc';
const AMOUNT = 12950;
const ISSUED_AT = 1_700_000_000_000;

function issue(pin: string): PinState {
  return { hash: hashPin(pin, TXN, AMOUNT, PEPPER), expiresAt: ISSUED_AT + PIN_TTL_MS, attempts: 0, used: false };
}

const tryPin = (state: PinState, pin: string, overrides: Partial<{ transactionId: string; amount: number; now: number }> = {}) =>
  checkPin(state, { pin, transactionId: TXN, amount: AMOUNT, pepper: PEPPER, now: ISSUED_AT + 1000, ...overrides });

describe('generatePin', () => {
  it('always gives six digits, keeping leading zeros', () => {
    const firstDigits = new Set<string>();
    fc.assert(
      fc.property(fc.constant(null), () => {
        const pin = generatePin();
        firstDigits.add(pin.charAt(0));
        return /^\d{6}$/.test(pin);
      }),
      { numRuns: 2000 },
    );
    // One PIN in ten starts with 0; 2000 draws without one would be a padding bug, not chance.
    expect(firstDigits.has('0')).toBe(true);
  });
});

describe('checkPin', () => {
  it('accepts the right PIN within its lifetime', () => {
    expect(tryPin(issue('123456'), '123456')).toEqual({ ok: true });
  });

  it('locks after three wrong tries, even for the right PIN afterwards', () => {
    const state = issue('123456');
    const results = [];
    for (let i = 0; i < PIN_MAX_ATTEMPTS; i++) {
      const result = tryPin(state, '000000');
      results.push(result);
      // The caller persists attempts from attemptsLeft, as documented.
      if (!result.ok) state.attempts = PIN_MAX_ATTEMPTS - result.attemptsLeft;
    }
    expect(results).toEqual([
      { ok: false, reason: 'wrong', attemptsLeft: 2 },
      { ok: false, reason: 'wrong', attemptsLeft: 1 },
      { ok: false, reason: 'locked', attemptsLeft: 0 },
    ]);
    expect(tryPin(state, '123456')).toEqual({ ok: false, reason: 'locked', attemptsLeft: 0 });
  });

  it('accepts the right PIN on the last allowed try', () => {
    expect(tryPin({ ...issue('123456'), attempts: 2 }, '123456')).toEqual({ ok: true });
  });

  it('rejects an expired PIN without counting an attempt', () => {
    const state = issue('123456');
    expect(tryPin(state, '123456', { now: state.expiresAt })).toEqual({ ok: false, reason: 'expired', attemptsLeft: 3 });
    expect(tryPin(state, '123456', { now: state.expiresAt - 1 })).toEqual({ ok: true });
  });

  it('rejects reuse of a PIN already used', () => {
    expect(tryPin({ ...issue('123456'), used: true }, '123456')).toMatchObject({ ok: false, reason: 'used' });
  });

  it('does not confirm another transaction or another amount with the same PIN', () => {
    const state = issue('123456');
    expect(tryPin(state, '123456', { transactionId: 'txn_other' })).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 2 });
    expect(tryPin(state, '123456', { amount: AMOUNT + 1 })).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 2 });
  });

  it('does not accept the PIN with another pepper', () => {
    const state = issue('123456');
    expect(checkPin(state, { pin: '123456', transactionId: TXN, amount: AMOUNT, pepper: 'other', now: ISSUED_AT })).toMatchObject({
      ok: false,
      reason: 'wrong',
    });
  });

  it('keeps leading zeros significant', () => {
    const state = issue('007123');
    expect(tryPin(state, '007123')).toEqual({ ok: true });
    expect(tryPin(state, '7123')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(tryPin(state, '071230')).toMatchObject({ ok: false, reason: 'wrong' });
  });

  it('treats a PIN that is not six digits as malformed, costing no attempt', () => {
    const state = issue('123456');
    for (const pin of ['', '12345', '1234567', '12345a', ' 123456', '１２３４５６']) {
      expect(tryPin(state, pin)).toEqual({ ok: false, reason: 'malformed', attemptsLeft: 3 });
    }
  });

  it('only ever accepts the PIN that was issued', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6}$/), fc.stringMatching(/^\d{6}$/), (issued, typed) => {
        expect(tryPin(issue(issued), typed).ok).toBe(issued === typed);
      }),
      { numRuns: 200 },
    );
  });
});
