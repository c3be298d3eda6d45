import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { doc, getDoc, setDoc, updateDoc, deleteDoc, collection, getDocs, query, where } from 'firebase/firestore';

// A project of its own, so loading rules and clearing data never touch the other suites.
const PROJECT = 'demo-smspay-rules';
let env: RulesTestEnvironment;

const A = 'merchant-a';
const B = 'merchant-b';

// Documents no client may read; each is seeded so that a denial is a rule, not a missing document.
const serverOnly = [
  'merchantSecrets/merchant-a',
  'payTokens/t',
  'idempotencyKeys/k',
  'providerEvents/e',
  'sandboxSessions/s',
  'system/sandboxCard',
  'system/pinPepper',
  'invoiceReferences/r',
  'refunds/re',
  'optOuts/+4791234567',
  'smsEarlyReceipts/twilio_SM1',
  'transactions/txn-merchant-a/secrets/pin',
  'merchants/merchant-a/members/owner-a',
  'merchants/merchant-a/disabledCallbackUrls/h',
];

beforeAll(async () => {
  const [host, port] = (process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080').split(':');
  env = await initializeTestEnvironment({
    projectId: PROJECT,
    firestore: { rules: readFileSync('firestore.rules', 'utf8'), host, port: Number(port) },
  });
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore();
    for (const m of [A, B]) {
      await setDoc(doc(db, 'merchants', m), { id: m, name: m });
      await setDoc(doc(db, 'invoices', `inv-${m}`), { merchantId: m, status: 'sent', amount: 100 });
      await setDoc(doc(db, 'invoices', `inv-${m}`, 'events', 'e1'), { merchantId: m, type: 'invoice.created' });
      await setDoc(doc(db, 'transactions', `txn-${m}`), { merchantId: m, status: 'pending' });
      await setDoc(doc(db, 'smsMessages', `sms-${m}`), { merchantId: m, body: 'hi' });
      await setDoc(doc(db, 'callbackEvents', `evt-${m}`), { merchantId: m, type: 'invoice.paid' });
      await setDoc(doc(db, 'callbackEvents', `evt-${m}`, 'attempts', '001'), { statusCode: 200 });
      await setDoc(doc(db, 'apiKeys', `hash-${m}`), { merchantId: m, prefix: 'sk_test_abc' });
      await setDoc(doc(db, 'merchantSecrets', m), { webhookSecrets: [] });
    }
    for (const path of serverOnly.filter((p) => p !== 'merchantSecrets/merchant-a')) {
      await setDoc(doc(db, path), { merchantId: A });
    }
  });
});

afterAll(async () => {
  await env?.cleanup();
});

const ownerA = () => env.authenticatedContext('owner-a', { merchantId: A, role: 'owner' }).firestore();
const staffA = () => env.authenticatedContext('staff-a', { merchantId: A, role: 'staff' }).firestore();
const ownerB = () => env.authenticatedContext('owner-b', { merchantId: B, role: 'owner' }).firestore();
const payer = () => env.authenticatedContext('payer', {}).firestore();
const anonymous = () => env.unauthenticatedContext().firestore();

const merchantData = ['merchants/merchant-a', 'invoices/inv-merchant-a', 'invoices/inv-merchant-a/events/e1', 'transactions/txn-merchant-a', 'smsMessages/sms-merchant-a'];
const ownerOnly = ['callbackEvents/evt-merchant-a', 'callbackEvents/evt-merchant-a/attempts/001', 'apiKeys/hash-merchant-a'];

describe('firestore.rules', () => {
  it('lets merchant A’s owner read all of A’s data, and nothing server-only', async () => {
    for (const path of [...merchantData, ...ownerOnly]) await assertSucceeds(getDoc(doc(ownerA(), path)));
    for (const path of serverOnly) await assertFails(getDoc(doc(ownerA(), path)));
  });

  it('lets A’s staff read invoices but not API keys or callback deliveries', async () => {
    for (const path of merchantData) await assertSucceeds(getDoc(doc(staffA(), path)));
    for (const path of [...ownerOnly, ...serverOnly]) await assertFails(getDoc(doc(staffA(), path)));
  });

  it('keeps merchant B, payers and anonymous users out of A’s data entirely', async () => {
    for (const db of [ownerB(), payer(), anonymous()]) {
      for (const path of [...merchantData, ...ownerOnly, ...serverOnly]) await assertFails(getDoc(doc(db, path)));
    }
  });

  it('allows list queries only when scoped to the reader’s own merchant', async () => {
    await assertSucceeds(getDocs(query(collection(ownerA(), 'invoices'), where('merchantId', '==', A))));
    await assertSucceeds(getDocs(query(collection(staffA(), 'smsMessages'), where('merchantId', '==', A))));
    await assertFails(getDocs(query(collection(ownerA(), 'invoices'), where('merchantId', '==', B))));
    await assertFails(getDocs(collection(ownerA(), 'invoices')));
    await assertFails(getDocs(query(collection(staffA(), 'apiKeys'), where('merchantId', '==', A))));
    await assertSucceeds(getDocs(query(collection(ownerA(), 'apiKeys'), where('merchantId', '==', A))));
    await assertSucceeds(getDocs(collection(staffA(), 'invoices', 'inv-merchant-a', 'events')));
    await assertFails(getDocs(collection(ownerB(), 'invoices', 'inv-merchant-a', 'events')));
    await assertSucceeds(getDocs(collection(ownerA(), 'callbackEvents', 'evt-merchant-a', 'attempts')));
    await assertFails(getDocs(collection(staffA(), 'callbackEvents', 'evt-merchant-a', 'attempts')));
  });

  it('denies every client write: no one writes money, status, keys or settings', async () => {
    for (const db of [ownerA(), staffA(), ownerB(), payer(), anonymous()]) {
      await assertFails(setDoc(doc(db, 'invoices', 'new'), { merchantId: A, status: 'paid', amount: 1 }));
      await assertFails(updateDoc(doc(db, 'invoices', 'inv-merchant-a'), { status: 'paid' }));
      await assertFails(deleteDoc(doc(db, 'invoices', 'inv-merchant-a')));
      await assertFails(updateDoc(doc(db, 'transactions', 'txn-merchant-a'), { status: 'succeeded' }));
      await assertFails(setDoc(doc(db, 'merchants', A), { name: 'hijacked' }));
      await assertFails(setDoc(doc(db, 'apiKeys', 'new'), { merchantId: A }));
      await assertFails(setDoc(doc(db, 'smsMessages', 'new'), { merchantId: A }));
      await assertFails(setDoc(doc(db, 'payTokens', 'new'), { merchantId: A }));
    }
  });
});
