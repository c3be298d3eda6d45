import type { Firestore } from 'firebase-admin/firestore';
import { firestore } from './adapters/firestore';
import { cloudTasks, type TaskQueue } from './adapters/tasks';
import type { CardProvider } from './adapters/cardProvider';
import type { SmsSender } from './adapters/smsSender';
import type { PhoneBilling } from './adapters/phoneBilling';
import { sandboxCardProvider } from './adapters/sandboxCard';
import { stripeCardProvider, type StripeCardProvider } from './adapters/stripeCard';
import type { ConnectPlatform } from './domain/connect';
import { outboxSmsSender } from './adapters/outboxSms';
import { twilioSmsSender } from './adapters/twilioSms';
import { sandboxPhoneBilling } from './adapters/sandboxPhoneBilling';
import { strexPhoneBilling } from './adapters/strexPhoneBilling';
import * as params from './params';
import { deploymentProviders, stripeKeyFor, type DeploymentProviders, type ProviderSettings } from './domain/modes';
import { DomainError } from './domain/errors';
import type { Mode, TransactionProvider } from './domain/types';

/** What one mode's payments go through; a provider getter throws when the mode has none for it. */
export interface ModeProviders {
  readonly db: Firestore;
  readonly publicBaseUrl: string;
  readonly card: CardProvider;
  readonly phone: PhoneBilling;
  /** Stripe Connect onboarding; throws when the mode's card provider is not Stripe. */
  readonly connect: ConnectPlatform;
}

export interface Services {
  db: Firestore;
  tasks: TaskQueue;
  sms: SmsSender;
  publicBaseUrl: string;
  emulator: boolean;
  /** Which provider takes each method in test and in live mode (domain/modes.ts). */
  deployment: DeploymentProviders;
  /** The providers of a mode: test mode never reaches a live provider, live mode never a sandbox. */
  providers(mode: Mode): ModeProviders;
  /** The distinct card providers whose webhooks may arrive, each with the one mode it serves. */
  cardWebhookSources(): { mode: Mode; card: CardProvider }[];
}

function stripeApiOptions(): { host: string; port: number; protocol: 'http' | 'https' } | undefined {
  const base = params.STRIPE_API_BASE_URL.value();
  if (!base) return undefined;
  const url = new URL(base);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)), protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

function providerSettings(): ProviderSettings {
  return {
    cardProvider: params.CARD_PROVIDER.value(),
    stripeSecretKey: params.STRIPE_SECRET_KEY.value(),
    stripeTestSecretKey: params.STRIPE_TEST_SECRET_KEY.value(),
    phoneBillingProvider: params.PHONE_BILLING_PROVIDER.value(),
    strexBaseUrl: params.STREX_BASE_URL.value(),
  };
}

function cardProvider(db: Firestore, publicBaseUrl: string, name: TransactionProvider, mode: Mode): CardProvider | StripeCardProvider {
  if (name === 'sandbox') return sandboxCardProvider(db, publicBaseUrl);
  const test = stripeKeyFor(providerSettings(), mode) === 'test';
  return stripeCardProvider({
    secretKey: (test ? params.STRIPE_TEST_SECRET_KEY : params.STRIPE_SECRET_KEY).value(),
    webhookSecret: (test ? params.STRIPE_TEST_WEBHOOK_SECRET : params.STRIPE_WEBHOOK_SECRET).value(),
    connectWebhookSecret: (test ? params.STRIPE_TEST_CONNECT_WEBHOOK_SECRET : params.STRIPE_CONNECT_WEBHOOK_SECRET).value(),
    stripeOptions: stripeApiOptions(),
  });
}

function smsSender(db: Firestore, tasks: TaskQueue, publicBaseUrl: string): SmsSender {
  const name = params.SMS_PROVIDER.value();
  if (name === 'outbox') return outboxSmsSender(db, tasks, params.OUTBOX_DELIVERY_DELAY_SECONDS.value());
  if (name === 'twilio') {
    return twilioSmsSender({
      accountSid: params.TWILIO_ACCOUNT_SID.value(),
      authToken: params.TWILIO_AUTH_TOKEN.value(),
      from: params.TWILIO_FROM.value() || undefined,
      messagingServiceSid: params.TWILIO_MESSAGING_SERVICE_SID.value() || undefined,
      statusCallbackUrl: `${publicBaseUrl}/webhooks/twilio/status`,
    });
  }
  throw new Error(`SMS_PROVIDER must be "outbox" or "twilio", not "${name}".`);
}

function phoneBilling(name: TransactionProvider): PhoneBilling {
  if (name === 'sandbox') return sandboxPhoneBilling();
  return strexPhoneBilling({
    baseUrl: params.STREX_BASE_URL.value(),
    apiKey: params.STREX_API_KEY.value(),
    merchantId: params.STREX_MERCHANT_ID.value(),
    shortNumber: params.STREX_SHORT_NUMBER.value(),
    serviceCode: params.STREX_SERVICE_CODE.value(),
  });
}

const noProvider = (method: string, mode: Mode) => new DomainError('invalid_state', `This deployment has no ${method} provider in ${mode} mode.`, { extra: { missing: 'provider_not_configured' } });

let services: Services | undefined;

/**
 * Wires the adapters the configuration asks for, once per instance. Each provider is built on
 * first use, so a function reads only the secrets of the providers it actually calls.
 */
export function getServices(): Services {
  if (services) return services;
  const db = firestore();
  const publicBaseUrl = params.PUBLIC_BASE_URL.value().replace(/\/+$/, '');
  let sms: SmsSender | undefined;
  let deployment: DeploymentProviders | undefined;
  const cards = new Map<Mode, CardProvider>();
  const phones = new Map<Mode, PhoneBilling>();
  const deploymentNow = () => (deployment ??= deploymentProviders(providerSettings()));
  const modeProviders = (mode: Mode): ModeProviders => ({
    db,
    publicBaseUrl,
    get card() {
      const name = deploymentNow()[mode].card;
      if (!name) throw noProvider('card', mode);
      if (!cards.has(mode)) cards.set(mode, cardProvider(db, publicBaseUrl, name, mode));
      return cards.get(mode)!;
    },
    get connect() {
      const card = this.card;
      if (card.name !== 'stripe')
        throw new DomainError('invalid_state', `Connecting a Stripe account needs Stripe as the card provider in ${mode} mode.`, { extra: { missing: 'provider_not_configured' } });
      return card as StripeCardProvider;
    },
    get phone() {
      const name = deploymentNow()[mode].phone;
      if (!name) throw noProvider('phone', mode);
      if (!phones.has(mode)) phones.set(mode, phoneBilling(name));
      return phones.get(mode)!;
    },
  });
  const byMode = { test: modeProviders('test'), live: modeProviders('live') };
  services = {
    db,
    tasks: cloudTasks,
    get sms() {
      return (sms ??= smsSender(db, cloudTasks, publicBaseUrl));
    },
    publicBaseUrl,
    emulator: params.isEmulator(),
    get deployment() {
      return deploymentNow();
    },
    providers: (mode) => byMode[mode],
    cardWebhookSources() {
      const sources: { mode: Mode; card: CardProvider }[] = [];
      for (const mode of ['live', 'test'] as const) if (deploymentNow()[mode].card) sources.push({ mode, card: byMode[mode].card });
      return sources;
    },
  };
  return services;
}
