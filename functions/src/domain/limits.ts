import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { DomainError } from './errors';

/**
 * Limits on what costs money or texts a person, counted in Firestore (`rateLimits/{key}`) inside
 * the transaction that does the costly thing, so they hold however many function instances run.
 * The per-instance token buckets in http/rateLimit.ts only protect an instance from floods.
 */

interface WindowLimit {
  /** Uses allowed within any `windowMs`. */
  max: number;
  windowMs: number;
}

/** Spec: at most 5 PIN SMS per invoice per hour and 10 per phone number per 24 hours. */
export const PIN_SMS_PER_INVOICE: WindowLimit = { max: 5, windowMs: 3_600_000 };
export const PIN_SMS_PER_PHONE: WindowLimit = { max: 10, windowMs: 86_400_000 };

interface BucketLimit {
  capacity: number;
  refillPerSecond: number;
}

/** Payment starts per invoice (each may create a checkout session or send a PIN): 20 at once, then one every 3 s. */
export const PAYMENT_STARTS_PER_INVOICE: BucketLimit = { capacity: 20, refillPerSecond: 1 / 3 };

const limitRef = (db: Firestore, key: string) => db.collection('rateLimits').doc(key);

/** The number as one canonical E.164 string, however it was spelled, so no spelling gets a fresh count. */
export function canonicalPhone(phone: string): string {
  return parsePhoneNumberFromString(phone)?.number ?? phone.replace(/[^\d+]/g, '');
}

const tooMany = (message: string, retryAfterMs: number) => new DomainError('rate_limited', message, { retryAfterSeconds: Math.max(1, retryAfterMs / 1000) });

/**
 * A pending use of one or more limits: `read` happens with the transaction's other reads, `take`
 * (after them, as Firestore requires) refuses with 429 or records the use in the same transaction.
 */
export interface PendingUse {
  take(now: Timestamp): void;
}

/** Sliding windows: the times of the last `max` uses are kept, so the answer is exact at the edges. */
async function readWindow(db: Firestore, tx: Transaction, key: string, limit: WindowLimit, refusal: string) {
  const ref = limitRef(db, key);
  const used = (((await tx.get(ref)).get('usedAt') as Timestamp[] | undefined) ?? []).map((t) => t.toMillis());
  return {
    check(now: number) {
      const recent = used.filter((at) => at > now - limit.windowMs).sort((a, b) => a - b);
      if (recent.length >= limit.max) throw tooMany(refusal, recent[recent.length - limit.max]! + limit.windowMs - now);
      return () => {
        const kept = [...recent, now].slice(-limit.max);
        tx.set(ref, { usedAt: kept.map((at) => Timestamp.fromMillis(at)), expiresAt: Timestamp.fromMillis(now + limit.windowMs) });
      };
    },
  };
}

async function readBucket(db: Firestore, tx: Transaction, key: string, limit: BucketLimit, refusal: string) {
  const ref = limitRef(db, key);
  const snap = await tx.get(ref);
  return {
    check(now: number) {
      const last = (snap.get('updatedAt') as Timestamp | undefined)?.toMillis() ?? now;
      const stored = (snap.get('tokens') as number | undefined) ?? limit.capacity;
      const tokens = Math.min(limit.capacity, stored + (Math.max(0, now - last) / 1000) * limit.refillPerSecond);
      if (tokens < 1) throw tooMany(refusal, ((1 - tokens) / limit.refillPerSecond) * 1000);
      return () => {
        tx.set(ref, { tokens: tokens - 1, updatedAt: Timestamp.fromMillis(now), expiresAt: Timestamp.fromMillis(now + (limit.capacity / limit.refillPerSecond) * 1000) });
      };
    },
  };
}

function combine(checks: { check(now: number): () => void }[]): PendingUse {
  return {
    take(now) {
      // Every limit is checked before any is recorded: a refused start uses up nothing.
      const records = checks.map((c) => c.check(now.toMillis()));
      records.forEach((record) => record());
    },
  };
}

/** Reads the payment-start bucket of an invoice, and for Phone its PIN SMS windows (per invoice and per phone number). */
export async function readPaymentStartLimits(db: Firestore, tx: Transaction, invoice: { id: string; payer: { phone: string } }, sendsPin: boolean): Promise<PendingUse> {
  const checks = [await readBucket(db, tx, `starts_${invoice.id}`, PAYMENT_STARTS_PER_INVOICE, 'Too many payment attempts for this invoice; wait a moment and try again.')];
  if (sendsPin) {
    checks.push(
      await readWindow(db, tx, `pinSms_${invoice.id}`, PIN_SMS_PER_INVOICE, `At most ${PIN_SMS_PER_INVOICE.max} PIN codes are sent for one invoice per hour; use the last code, or pay another way.`),
      await readWindow(
        db,
        tx,
        `pinSms_${canonicalPhone(invoice.payer.phone)}`,
        PIN_SMS_PER_PHONE,
        `At most ${PIN_SMS_PER_PHONE.max} PIN codes are sent to one phone number per 24 hours; pay another way, or try again later.`,
      ),
    );
  }
  return combine(checks);
}
