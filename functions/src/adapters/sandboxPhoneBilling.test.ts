import { describe, expect, it } from 'vitest';
import { isOperatorId } from '../domain/billing';
import { SANDBOX_OPERATOR, sandboxPhoneBilling } from './sandboxPhoneBilling';

const request = (phone: string) => ({ transactionId: 'txn_1', providerTransactionId: 'p1', phone, amount: 4900, currency: 'NOK' as const, merchantName: 'Shop', description: 'Soup' });

describe('sandbox phone billing', () => {
  it('reports the sandbox as the operator of a charge it accepts, on confirm and on look-up', async () => {
    const sandbox = sandboxPhoneBilling();
    expect(await sandbox.confirm(request('+4791234567'), '123456')).toEqual({ status: 'succeeded', operator: SANDBOX_OPERATOR });
    expect(await sandbox.status(request('+4791234567'))).toEqual({ status: 'succeeded', operator: SANDBOX_OPERATOR });
    expect(isOperatorId(SANDBOX_OPERATOR)).toBe(true);
  });

  it('names no operator for the test numbers it declines', async () => {
    const sandbox = sandboxPhoneBilling();
    expect(await sandbox.confirm(request('+4791230002'), '123456')).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds' });
    expect(await sandbox.confirm(request('+4791230003'), '123456')).not.toHaveProperty('operator');
  });
});
