import type { Firestore } from 'firebase-admin/firestore';
import { firestore } from './adapters/firestore';
import { cloudTasks, type TaskQueue } from './adapters/tasks';
import type { CardProvider } from './adapters/cardProvider';
import type { SmsSender } from './adapters/smsSender';
import { sandboxCardProvider } from './adapters/sandboxCard';
import { outboxSmsSender } from './adapters/outboxSms';
import { CARD_PROVIDER, OUTBOX_DELIVERY_DELAY_SECONDS, PHONE_BILLING_PROVIDER, PUBLIC_BASE_URL, SMS_PROVIDER, isEmulator } from './params';

export interface Services {
  db: Firestore;
  tasks: TaskQueue;
  card: CardProvider;
  sms: SmsSender;
  publicBaseUrl: string;
  emulator: boolean;
  sandbox: { card: boolean; phone: boolean };
}

let services: Services | undefined;

/** Wires the adapters the configuration asks for, once per instance, on first use. */
export function getServices(): Services {
  if (services) return services;
  const db = firestore();
  const publicBaseUrl = PUBLIC_BASE_URL.value().replace(/\/+$/, '');
  const cardProvider = CARD_PROVIDER.value();
  const smsProvider = SMS_PROVIDER.value();
  if (cardProvider !== 'sandbox') throw new Error(`CARD_PROVIDER=${cardProvider} is not available in this build.`);
  if (smsProvider !== 'outbox') throw new Error(`SMS_PROVIDER=${smsProvider} is not available in this build.`);
  services = {
    db,
    tasks: cloudTasks,
    card: sandboxCardProvider(db, publicBaseUrl),
    sms: outboxSmsSender(cloudTasks, OUTBOX_DELIVERY_DELAY_SECONDS.value()),
    publicBaseUrl,
    emulator: isEmulator(),
    sandbox: { card: cardProvider === 'sandbox', phone: PHONE_BILLING_PROVIDER.value() === 'sandbox' },
  };
  return services;
}
