import { chargeAccountFor } from './connect';
import { DomainError } from './errors';
import { PAYMENT_METHODS, type PaymentMethod } from './schemas';
import type { MerchantDoc, Mode, TransactionProvider } from './types';

/**
 * Test and live mode, as with Stripe: the mode decides which providers a payment may use, and
 * the two never share one. Test mode uses the sandboxes, or a provider's own test credentials
 * where configured; live mode uses only real providers. This is the one place that decides it.
 */

/** Why a method cannot be offered now (GET /account's `missing`). */
export type MissingReason =
  | 'provider_not_configured'
  | 'live_not_activated'
  | 'merchant_suspended'
  /** Live card goes to the merchant's own Stripe account (Connect): none is connected yet. */
  | 'stripe_not_connected'
  /** The connected account cannot take charges yet (onboarding unfinished, or Stripe disabled it). */
  | 'stripe_charges_disabled'
  /** Live phone bills through the merchant's own Strex merchant id and service code: an operator has not set them. */
  | 'strex_not_configured';

/** The deployment's settings that decide the providers (params.ts, read once per instance). */
export interface ProviderSettings {
  cardProvider: string;
  stripeSecretKey: string;
  stripeTestSecretKey: string;
  phoneBillingProvider: string;
  strexBaseUrl: string;
}

/** For each mode and method, the provider that takes it in this deployment, or null for none. */
export type DeploymentProviders = Record<Mode, Record<PaymentMethod, TransactionProvider | null>>;

const isStripeKey = (key: string, mode: Mode) => new RegExp(`^(sk|rk)_${mode}_\\w+`).test(key);
/** Target365's test environment (test.target365.io) never charges a real subscription. */
const isStrexTestHost = (baseUrl: string) => /^https?:\/\/test\./.test(baseUrl);

/**
 * CARD_PROVIDER and PHONE_BILLING_PROVIDER choose live mode's providers, but a provider running on
 * its own test credentials (a Stripe `sk_test_` key, Strex's test host) moves no money, so it
 * serves test mode instead and live mode has no provider for that method.
 */
export function deploymentProviders(settings: ProviderSettings): DeploymentProviders {
  if (!['sandbox', 'stripe'].includes(settings.cardProvider)) throw new Error(`CARD_PROVIDER must be "sandbox" or "stripe", not "${settings.cardProvider}".`);
  if (!['sandbox', 'strex'].includes(settings.phoneBillingProvider)) {
    throw new Error(`PHONE_BILLING_PROVIDER must be "sandbox" or "strex", not "${settings.phoneBillingProvider}".`);
  }
  const stripe = settings.cardProvider === 'stripe';
  const strex = settings.phoneBillingProvider === 'strex';
  const strexTest = strex && isStrexTestHost(settings.strexBaseUrl);
  return {
    live: {
      card: stripe && isStripeKey(settings.stripeSecretKey, 'live') ? 'stripe' : null,
      phone: strex && !strexTest ? 'strex' : null,
    },
    test: {
      card: isStripeKey(settings.stripeTestSecretKey, 'test') || (stripe && isStripeKey(settings.stripeSecretKey, 'test')) ? 'stripe' : 'sandbox',
      phone: strexTest ? 'strex' : 'sandbox',
    },
  };
}

/** The Stripe key a mode's card provider uses (test mode prefers STRIPE_TEST_SECRET_KEY). */
export function stripeKeyFor(settings: ProviderSettings, mode: Mode): 'live' | 'test' {
  return mode === 'test' && isStripeKey(settings.stripeTestSecretKey, 'test') ? 'test' : 'live';
}

export interface MethodAvailability {
  method: PaymentMethod;
  available: boolean;
  /** The provider that takes the method in this mode, or null when the deployment has none. */
  provider: TransactionProvider | null;
  missing: MissingReason[];
}

/** What a merchant can offer in a mode right now, and for each method what is missing. */
export function methodAvailability(deployment: DeploymentProviders, merchant: Pick<MerchantDoc, 'status' | 'liveActivatedAt' | 'stripeConnect' | 'strex'>, mode: Mode): MethodAvailability[] {
  return PAYMENT_METHODS.map((method) => {
    const provider = deployment[mode][method];
    const missing: MissingReason[] = [];
    if (merchant.status === 'suspended') missing.push('merchant_suspended');
    if (mode === 'live' && !merchant.liveActivatedAt) missing.push('live_not_activated');
    if (!provider) missing.push('provider_not_configured');
    if (mode === 'live' && provider === 'stripe') {
      const connected = merchant.stripeConnect?.live;
      if (!connected) missing.push('stripe_not_connected');
      else if (!chargeAccountFor(merchant, 'live')) missing.push('stripe_charges_disabled');
    }
    // Live phone is only ever Strex, so the merchant's settings are missing whatever the deployment has.
    if (mode === 'live' && method === 'phone' && !merchant.strex) missing.push('strex_not_configured');
    return { method, available: missing.length === 0, provider, missing };
  });
}

export const availableMethods = (availability: MethodAvailability[]): PaymentMethod[] => availability.filter((a) => a.available).map((a) => a.method);

/**
 * A caller whose mode can offer no method at all creates nothing (invoices, imports, direct
 * transactions): e.g. a live key on a deployment whose live mode has no real provider. Reading
 * stays possible; GET /account says what is missing.
 */
export function assertModeCanOffer(merchant: Pick<MerchantDoc, 'mode' | 'offerable'>): void {
  if (!merchant.offerable || merchant.offerable.length > 0) return;
  throw new DomainError(
    'live_mode_unavailable',
    `No payment method can be offered in ${merchant.mode} mode now, so nothing can be created with this key; GET /account says what is missing.${merchant.mode === 'live' ? ' Test keys (sk_test_) work meanwhile.' : ''}`,
  );
}
