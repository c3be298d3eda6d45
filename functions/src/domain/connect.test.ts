import { describe, expect, it } from 'vitest';
import { chargeAccountFor, connectView, platformFeeFor } from './connect';
import type { StripeConnectState } from './types';

const account = (overrides: Partial<StripeConnectState> = {}): StripeConnectState => ({
  accountId: 'acct_1',
  chargesEnabled: true,
  payoutsEnabled: true,
  detailsSubmitted: true,
  requirementsDue: [],
  disabledReason: null,
  asOf: 1,
  ...overrides,
});

describe('chargeAccountFor', () => {
  it('is the mode’s connected account once it can take charges, else none', () => {
    expect(chargeAccountFor({ stripeConnect: { live: account() } }, 'live')).toBe('acct_1');
    expect(chargeAccountFor({ stripeConnect: { live: account({ chargesEnabled: false }) } }, 'live')).toBeNull();
    expect(chargeAccountFor({ stripeConnect: { live: account() } }, 'test')).toBeNull();
    expect(chargeAccountFor({}, 'test')).toBeNull();
  });
});

describe('platformFeeFor', () => {
  it('takes the operator’s basis points of the amount, rounded down, and nothing when unset or zero', () => {
    expect(platformFeeFor({ platformFeeBps: 250 }, 34_900)).toBe(872);
    expect(platformFeeFor({ platformFeeBps: 100 }, 50_000)).toBe(500);
    expect(platformFeeFor({ platformFeeBps: 0 }, 50_000)).toBeNull();
    expect(platformFeeFor({}, 50_000)).toBeNull();
    // Stripe refuses an application fee of 0.
    expect(platformFeeFor({ platformFeeBps: 1 }, 99)).toBeNull();
  });
});

describe('connectView', () => {
  it('shows the caller’s mode only', () => {
    const merchant = { mode: 'test' as const, stripeConnect: { live: account() }, platformFeeBps: 100 };
    expect(connectView(merchant, true)).toMatchObject({ livemode: false, available: true, connected: false, accountId: null, chargesEnabled: false, platformFeeBps: 100 });
    expect(connectView({ ...merchant, mode: 'live' }, true)).toMatchObject({ livemode: true, connected: true, accountId: 'acct_1', chargesEnabled: true });
  });
});
