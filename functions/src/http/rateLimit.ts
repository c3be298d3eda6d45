import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors';
import type { ApiRequest } from './request';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface Limit {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Requests refilled per second. */
  refillPerSecond: number;
}

/**
 * Token buckets kept in the instance's memory: no Firestore read or write per request, so the
 * limit costs nothing; with N instances the effective limit is at most N times the figure.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxKeys = 50_000) {}

  /** Takes a token for `key`, or returns the seconds until one is available. */
  take(key: string, limit: Limit, now = Date.now()): number {
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAt: now };
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / limit.refillPerSecond;
  }
}

/** Per secret key: 25 requests a second sustained, bursts of 100. */
export const API_KEY_LIMIT: Limit = { capacity: 100, refillPerSecond: 25 };
/** Per pay token, for payment attempts and PINs: a payer taps, a guesser hammers; 20 at once, then one every 3 s. */
export const PAY_ACTION_LIMIT: Limit = { capacity: 20, refillPerSecond: 1 / 3 };
/** Per pay token, for reading the page: the receipt polls every 2 s while it waits. */
export const PAY_VIEW_LIMIT: Limit = { capacity: 60, refillPerSecond: 1 };

const limiter = new RateLimiter();

const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * Throws 429 `rate_limited` (with Retry-After) when the caller is over its limit: per secret key
 * (or dashboard session), and per pay token on the payer's routes, keyed on the token as the
 * router decoded it, so no spelling of it in the URL gets a fresh bucket. Not per address: payers
 * on a phone network share addresses behind carrier NAT. These buckets protect this instance;
 * what costs money or texts a person is also counted in Firestore (see domain/limits.ts).
 */
export function enforceRateLimit(request: ApiRequest, params: Record<string, string>, now = Date.now()): void {
  const token = params.token;
  const check: [string, Limit] | null =
    token !== undefined
      ? request.method === 'GET'
        ? [`view:${digest(token)}`, PAY_VIEW_LIMIT]
        : [`act:${digest(token)}`, PAY_ACTION_LIMIT]
      : request.headers.authorization
        ? [`key:${digest(request.headers.authorization)}`, API_KEY_LIMIT]
        : null;
  if (!check) return;
  const wait = limiter.take(check[0], check[1], now);
  if (wait > 0) throw new DomainError('rate_limited', 'Too many requests; slow down and retry after the indicated time.', { retryAfterSeconds: wait });
}
