import { phoneChargeFailed, type PhoneBilling, type PhoneChargeRequest, type PhoneChargeResult } from './phoneBilling';

/** The operator the sandbox reports for every charge: there is none, and the dashboard says so. */
export const SANDBOX_OPERATOR = 'sandbox';

/** Spec: sandbox test numbers ending in 0002 are declined for insufficient funds, 0003 are barred. */
function sandboxOutcome(req: PhoneChargeRequest): PhoneChargeResult {
  if (req.phone.endsWith('0002')) return phoneChargeFailed('insufficient_funds');
  if (req.phone.endsWith('0003')) return phoneChargeFailed('subscriber_barred');
  return { status: 'succeeded', operator: SANDBOX_OPERATOR };
}

/**
 * `PHONE_BILLING_PROVIDER=sandbox`: no money moves. Our domain generates, sends (through our
 * SMS gateway) and verifies the PIN before it calls `confirm`, so `confirm` never sees a wrong PIN.
 */
export function sandboxPhoneBilling(): PhoneBilling {
  return {
    name: 'sandbox',
    sendsOwnPin: false,
    async start() {},
    async confirm(req) {
      return sandboxOutcome(req);
    },
    async status(req) {
      return sandboxOutcome(req);
    },
    async reverse() {
      return { reversed: true };
    },
  };
}
