import type { StrexMerchant } from '../domain/types';

/** One charge to a phone subscription, as every phone-billing operation receives it. */
export interface PhoneChargeRequest {
  /** Our transaction id (`txn_…`). */
  transactionId: string;
  /** A UUID we generate per transaction; Strex's `TransactionId`. */
  providerTransactionId: string;
  /** E.164. */
  phone: string;
  /** Minor units (øre). */
  amount: number;
  currency: 'NOK';
  merchantName: string;
  description: string;
  /** Strex: the merchant's own Strex merchant and service code; absent, the deployment's (test mode only). */
  strex?: StrexMerchant | null;
}

export type PhoneFailureCode = 'insufficient_funds' | 'subscriber_barred' | 'pin_expired' | 'pin_invalid' | 'too_many_attempts' | 'limit_exceeded' | 'duplicate' | 'too_young' | 'provider_error';

export type PhoneChargeResult =
  /** `operator`: the payer's mobile operator (`no.telenor`), when the provider names it with the outcome. */
  { status: 'succeeded'; operator?: string | null } | { status: 'processing' } | { status: 'failed'; failureCode: PhoneFailureCode; failureMessage: string };

/** Payer-facing wording for each decline, shared by every adapter so the page reads the same. */
export const PHONE_FAILURE_MESSAGES: Record<PhoneFailureCode, string> = {
  insufficient_funds: 'The phone subscription has insufficient funds.',
  subscriber_barred: 'This phone subscription cannot be charged.',
  pin_expired: 'The PIN has expired.',
  pin_invalid: 'The PIN is not correct.',
  too_many_attempts: 'Too many wrong PINs were entered.',
  limit_exceeded: "The phone subscription's spending limit has been reached.",
  duplicate: 'This payment has already been made.',
  too_young: 'The subscriber is below the age limit for this payment.',
  provider_error: 'The phone payment could not be completed.',
};

export function phoneChargeFailed(failureCode: PhoneFailureCode): PhoneChargeResult {
  return { status: 'failed', failureCode, failureMessage: PHONE_FAILURE_MESSAGES[failureCode] };
}

/** The port phone (carrier-billing) payments go through: the local sandbox, or Strex. */
export interface PhoneBilling {
  readonly name: 'sandbox' | 'strex';
  /** True when the provider sends the PIN SMS itself (Strex); false when we generate and send it. */
  readonly sendsOwnPin: boolean;
  /** Begins a charge; for a provider that sends its own PIN, this sends it. */
  start(req: PhoneChargeRequest): Promise<void>;
  /** Charges the subscription with the PIN the payer typed. */
  confirm(req: PhoneChargeRequest, pin: string): Promise<PhoneChargeResult>;
  /** Looks the charge up again, for reconciliation of `processing` transactions. */
  status(req: PhoneChargeRequest): Promise<PhoneChargeResult>;
  /** Refunds a completed charge; `reversed: false` when the provider says it cannot be reversed. */
  reverse(req: PhoneChargeRequest): Promise<{ reversed: boolean }>;
}
