import type { Firestore } from 'firebase-admin/firestore';
import { firestore } from './adapters/firestore';
import { cloudTasks, type TaskQueue } from './adapters/tasks';
import type { CardProvider } from './adapters/cardProvider';
import type { SmsSender } from './adapters/smsSender';
import type { PhoneBilling } from './adapters/phoneBilling';
import { sandboxCardProvider } from './adapters/sandboxCard';
import { stripeCardProvider } from './adapters/stripeCard';
import { outboxSmsSender } from './adapters/outboxSms';
import { twilioSmsSender } from './adapters/twilioSms';
import { sandboxPhoneBilling } from './adapters/sandboxPhoneBilling';
import { strexPhoneBilling } from './adapters/strexPhoneBilling';
import * as params from './params';
import { deploymentProviders, type DeploymentProviders } from './domain/modes';

export interface Services {
  db: Firestore;
  tasks: TaskQueue;
  card: CardProvider;
  sms: SmsSender;
  phone: PhoneBilling;
  publicBaseUrl: string;
  emulator: boolean;
  sandbox: { card: boolean; phone: boolean };
  /** Which provider takes each method in test and in live mode (domain/modes.ts). */
  deployment: DeploymentProviders;
}

function stripeApiOptions(): { host: string; port: number; protocol: 'http' | 'https' } | undefined {
  const base = params.STRIPE_API_BASE_URL.value();
  if (!base) return undefined;
  const url = new URL(base);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)), protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

function cardProvider(db: Firestore, publicBaseUrl: string): CardProvider {
  const name = params.CARD_PROVIDER.value();
  if (name === 'sandbox') return sandboxCardProvider(db, publicBaseUrl);
  if (name === 'stripe') {
    return stripeCardProvider({
      secretKey: params.STRIPE_SECRET_KEY.value(),
      webhookSecret: params.STRIPE_WEBHOOK_SECRET.value(),
      stripeOptions: stripeApiOptions(),
    });
  }
  throw new Error(`CARD_PROVIDER must be "sandbox" or "stripe", not "${name}".`);
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

function phoneBilling(): PhoneBilling {
  const name = params.PHONE_BILLING_PROVIDER.value();
  if (name === 'sandbox') return sandboxPhoneBilling();
  if (name === 'strex') {
    return strexPhoneBilling({
      baseUrl: params.STREX_BASE_URL.value(),
      apiKey: params.STREX_API_KEY.value(),
      merchantId: params.STREX_MERCHANT_ID.value(),
      shortNumber: params.STREX_SHORT_NUMBER.value(),
      serviceCode: params.STREX_SERVICE_CODE.value(),
    });
  }
  throw new Error(`PHONE_BILLING_PROVIDER must be "sandbox" or "strex", not "${name}".`);
}

let services: Services | undefined;

/**
 * Wires the adapters the configuration asks for, once per instance. Each provider is built on
 * first use, so a function reads only the secrets of the providers it actually calls.
 */
export function getServices(): Services {
  if (services) return services;
  const db = firestore();
  const publicBaseUrl = params.PUBLIC_BASE_URL.value().replace(/\/+$/, '');
  let card: CardProvider | undefined;
  let sms: SmsSender | undefined;
  let phone: PhoneBilling | undefined;
  let deployment: DeploymentProviders | undefined;
  services = {
    db,
    tasks: cloudTasks,
    get card() {
      return (card ??= cardProvider(db, publicBaseUrl));
    },
    get sms() {
      return (sms ??= smsSender(db, cloudTasks, publicBaseUrl));
    },
    get phone() {
      return (phone ??= phoneBilling());
    },
    publicBaseUrl,
    emulator: params.isEmulator(),
    sandbox: { card: params.CARD_PROVIDER.value() === 'sandbox', phone: params.PHONE_BILLING_PROVIDER.value() === 'sandbox' },
    get deployment() {
      return (deployment ??= deploymentProviders({
        cardProvider: params.CARD_PROVIDER.value(),
        stripeSecretKey: params.STRIPE_SECRET_KEY.value(),
        stripeTestSecretKey: params.STRIPE_TEST_SECRET_KEY.value(),
        phoneBillingProvider: params.PHONE_BILLING_PROVIDER.value(),
        strexBaseUrl: params.STREX_BASE_URL.value(),
      }));
    },
  };
  return services;
}
