import { describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { availableMethods, deploymentProviders, methodAvailability, type ProviderSettings } from './modes';

const defaults: ProviderSettings = {
  cardProvider: 'sandbox',
  stripeSecretKey: 'sk_test_emulator_placeholder',
  stripeTestSecretKey: 'unset',
  phoneBillingProvider: 'sandbox',
  strexBaseUrl: 'https://test.target365.io',
};
const active = { status: 'active' as const, liveActivatedAt: Timestamp.now() };

describe('deploymentProviders', () => {
  it('gives test mode the sandboxes and live mode nothing when only sandboxes are configured', () => {
    expect(deploymentProviders(defaults)).toEqual({ test: { card: 'sandbox', phone: 'sandbox' }, live: { card: null, phone: null } });
  });

  it('puts Stripe in live mode only with a live key; a test key serves test mode instead', () => {
    expect(deploymentProviders({ ...defaults, cardProvider: 'stripe', stripeSecretKey: 'sk_live_abc' }).live.card).toBe('stripe');
    expect(deploymentProviders({ ...defaults, cardProvider: 'stripe', stripeSecretKey: 'sk_live_abc' }).test.card).toBe('sandbox');
    const testKey = deploymentProviders({ ...defaults, cardProvider: 'stripe', stripeSecretKey: 'sk_test_abc' });
    expect(testKey.live.card).toBeNull();
    expect(testKey.test.card).toBe('stripe');
  });

  it('uses STRIPE_TEST_SECRET_KEY for test mode alongside a live Stripe', () => {
    const both = deploymentProviders({ ...defaults, cardProvider: 'stripe', stripeSecretKey: 'sk_live_abc', stripeTestSecretKey: 'sk_test_def' });
    expect(both).toMatchObject({ live: { card: 'stripe' }, test: { card: 'stripe' } });
    // A live key in the test slot is not test credentials.
    expect(deploymentProviders({ ...defaults, stripeTestSecretKey: 'sk_live_def' }).test.card).toBe('sandbox');
  });

  it('treats Strex on its test host as test credentials, and on its production host as live', () => {
    expect(deploymentProviders({ ...defaults, phoneBillingProvider: 'strex' })).toMatchObject({ test: { phone: 'strex' }, live: { phone: null } });
    expect(deploymentProviders({ ...defaults, phoneBillingProvider: 'strex', strexBaseUrl: 'https://api.target365.io' })).toMatchObject({
      test: { phone: 'sandbox' },
      live: { phone: 'strex' },
    });
  });
});

describe('methodAvailability', () => {
  const live = deploymentProviders({ ...defaults, cardProvider: 'stripe', stripeSecretKey: 'sk_live_abc' });

  it('offers everything configured in test mode, activated or not', () => {
    const methods = methodAvailability(live, { status: 'active', liveActivatedAt: null }, 'test');
    expect(availableMethods(methods)).toEqual(['card', 'phone']);
    expect(methods.every((m) => m.missing.length === 0)).toBe(true);
  });

  it('says what each live method is missing', () => {
    expect(methodAvailability(live, { status: 'active', liveActivatedAt: null }, 'live')).toEqual([
      { method: 'card', available: false, provider: 'stripe', missing: ['live_not_activated', 'stripe_not_connected'] },
      { method: 'phone', available: false, provider: null, missing: ['live_not_activated', 'provider_not_configured', 'strex_not_configured'] },
    ]);
    expect(availableMethods(methodAvailability(live, active, 'live'))).toEqual([]);
  });

  it('offers live card only once the merchant’s connected Stripe account can take charges', () => {
    const card = (merchant: Parameters<typeof methodAvailability>[1]) => methodAvailability(live, merchant, 'live')[0];
    expect(card(active)).toMatchObject({ available: false, missing: ['stripe_not_connected'] });
    const connected = {
      accountId: 'acct_1',
      chargesEnabled: false,
      payoutsEnabled: false,
      detailsSubmitted: false,
      requirementsDue: ['external_account'],
      disabledReason: 'requirements.past_due',
      asOf: 1,
    };
    expect(card({ ...active, stripeConnect: { live: connected } })).toMatchObject({ available: false, missing: ['stripe_charges_disabled'] });
    // A test-mode account never takes live charges.
    expect(card({ ...active, stripeConnect: { test: { ...connected, chargesEnabled: true } } })).toMatchObject({ missing: ['stripe_not_connected'] });
    expect(card({ ...active, stripeConnect: { live: { ...connected, chargesEnabled: true } } })).toMatchObject({ available: true, missing: [] });
    // Test mode pays on the platform's test account until the merchant connects one.
    expect(methodAvailability(deploymentProviders({ ...defaults, cardProvider: 'stripe', stripeSecretKey: 'sk_test_abc' }), active, 'test')[0]).toMatchObject({ available: true });
  });

  it("offers live phone only once an operator has set the merchant's Strex merchant id and service code", () => {
    const strex = deploymentProviders({ ...defaults, phoneBillingProvider: 'strex', strexBaseUrl: 'https://shared.target365.io' });
    const phone = (merchant: Parameters<typeof methodAvailability>[1], mode: 'live' | 'test' = 'live') => methodAvailability(strex, merchant, mode)[1];
    expect(phone(active)).toMatchObject({ available: false, provider: 'strex', missing: ['strex_not_configured'] });
    expect(phone({ ...active, strex: { merchantId: 'shop-42', serviceCode: '14002', updatedAt: Timestamp.now() } })).toMatchObject({ available: true, missing: [] });
    // Test mode keeps the sandbox (or Strex's test host on the deployment's own settings).
    expect(phone(active, 'test')).toMatchObject({ available: true, provider: 'sandbox' });
  });

  it('offers nothing for a suspended merchant', () => {
    const methods = methodAvailability(live, { ...active, status: 'suspended' }, 'test');
    expect(availableMethods(methods)).toEqual([]);
    expect(methods[0]!.missing).toEqual(['merchant_suspended']);
  });
});
