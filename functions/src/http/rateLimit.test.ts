import { describe, expect, it } from 'vitest';
import { RateLimiter, enforceRateLimit } from './rateLimit';
import { DomainError } from '../domain/errors';
import type { ApiRequest } from './request';

const request = (path: string, authorization?: string): ApiRequest => ({
  method: 'POST',
  path,
  query: {},
  headers: authorization ? { authorization } : {},
  rawBody: Buffer.alloc(0),
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the given rate', () => {
    const limiter = new RateLimiter();
    const limit = { capacity: 3, refillPerSecond: 1 };
    expect([0, 0, 0].map(() => limiter.take('k', limit, 1000))).toEqual([0, 0, 0]);
    expect(limiter.take('k', limit, 1000)).toBeCloseTo(1);
    expect(limiter.take('k', limit, 2000)).toBe(0);
    expect(limiter.take('other', limit, 2000)).toBe(0);
  });

  it('forgets the oldest keys beyond its size', () => {
    const limiter = new RateLimiter(2);
    const limit = { capacity: 1, refillPerSecond: 0.001 };
    limiter.take('a', limit, 0);
    limiter.take('b', limit, 0);
    limiter.take('c', limit, 0);
    expect(limiter.take('a', limit, 0)).toBe(0);
  });
});

describe('enforceRateLimit', () => {
  it('answers 429 with Retry-After for a PIN guesser on one pay token', () => {
    const now = 5_000_000;
    let refused: DomainError | undefined;
    for (let i = 0; i < 25 && !refused; i++) {
      try {
        enforceRateLimit(request('/pay/guess-token-1/transactions/txn_x/verify'), { token: 'guess-token-1', id: 'txn_x' }, now);
      } catch (error) {
        refused = error as DomainError;
      }
    }
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.options.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('keys a pay token on its decoded form: another spelling shares the bucket', () => {
    const now = 7_000_000;
    for (let i = 0; i < 20; i++) enforceRateLimit(request('/pay/tok-2/transactions'), { token: 'tok-2' }, now);
    expect(() => enforceRateLimit(request('/pay/%74ok-2/transactions'), { token: 'tok-2' }, now)).toThrow(DomainError);
  });

  it('limits each secret key separately', () => {
    const now = 9_000_000;
    for (let i = 0; i < 100; i++) enforceRateLimit(request('/invoices', 'Bearer sk_test_a'), {}, now);
    expect(() => enforceRateLimit(request('/invoices', 'Bearer sk_test_a'), {}, now)).toThrow(DomainError);
    expect(() => enforceRateLimit(request('/invoices', 'Bearer sk_test_b'), {}, now)).not.toThrow();
  });
});
