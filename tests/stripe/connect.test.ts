import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { Timestamp } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { BASE_URL, PROJECT_ID } from '../support/env';
import { idTokenFor } from '../support/idToken';
import { localSecret } from '../support/secrets';
import { FAKE_STRIPE_PORT, startFakeStripe } from '../support/fakeStripe';
import { stripeCardProvider } from '../../functions/src/adapters/stripeCard';
import { sandboxPhoneBilling } from '../../functions/src/adapters/sandboxPhoneBilling';
import { applyCardEvent } from '../../functions/src/domain/cardEvents';
import { startOnboarding } from '../../functions/src/domain/connect';
import { createInvoice } from '../../functions/src/domain/invoices';
import { availableMethods, deploymentProviders, methodAvailability } from '../../functions/src/domain/modes';
import { startPayment } from '../../functions/src/domain/pay';
import { reconcileStale } from '../../functions/src/domain/reconcile';
import { createInvoiceSchema, parseOrThrow } from '../../functions/src/domain/schemas';
import type { MerchantDoc } from '../../functions/src/domain/types';

// Getting paid with Stripe Connect, in the CARD_PROVIDER=stripe tier: the SDK talks to the fake
// Stripe on 127.0.0.1, and the test plays Stripe's part by sending Connect-signed events.
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
let merchant: TestMerchant;
let ownerToken: string;
let operatorToken: string;
let accountId: string;

beforeAll(async () => {
  stripe = await startFakeStripe();
  merchant = await createMerchant({ name: 'Fjordkaffe' });
  ownerToken = await idTokenFor(merchant.email, merchant.password);
  const operatorEmail = `operator-connect-${Date.now()}@example.com`;
  await admin().auth.createUser({ email: operatorEmail, password: 'operator-password' });
  execFileSync('node', ['scripts/operator.mjs', 'grant', operatorEmail, '--project', PROJECT_ID], { env: { ...process.env } });
  operatorToken = await idTokenFor(operatorEmail, 'operator-password');
});
afterAll(() => stripe?.close());

/** Posts an event to /webhooks/stripe as Stripe's Connect endpoint signs it. */
async function sendConnectEvent(event: object): Promise<{ status: number; outcome: string }> {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: localSecret('STRIPE_CONNECT_WEBHOOK_SECRET') });
  const response = await fetch(`${BASE_URL}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return { status: response.status, outcome: ((await response.json()) as { outcome: string }).outcome };
}

const merchantDoc = async (id = merchant.merchantId) => (await admin().db.collection('merchants').doc(id).get()).data() as MerchantDoc;

describe('Stripe Connect onboarding', () => {
  it('creates the merchant’s connected account once and an Account Link per start, with our return and refresh URLs', async () => {
    const first = await api('POST', '/account/stripe/onboarding', { key: ownerToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      object: 'stripe_onboarding_link',
      url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${FAKE_STRIPE_PORT}/setup/acct_`)),
      expiresAt: expect.any(String),
    });

    const creates = stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/accounts');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.idempotencyKey).toBe(`connect-${merchant.merchantId}-test`);
    expect(creates[0]!.form).toMatchObject({
      controller: { stripe_dashboard: { type: 'full' }, fees: { payer: 'account' }, losses: { payments: 'stripe' }, requirement_collection: 'stripe' },
      email: merchant.email,
      business_profile: { name: 'Fjordkaffe' },
      metadata: { merchantId: merchant.merchantId },
    });
    accountId = [...stripe.accounts.keys()].at(-1)!;
    expect(stripe.requests.find((r) => r.path === '/v1/account_links')!.form).toEqual({
      account: accountId,
      type: 'account_onboarding',
      return_url: `${BASE_URL}/merchant/settings?stripe=return`,
      refresh_url: `${BASE_URL}/merchant/settings?stripe=refresh`,
    });
    expect((await merchantDoc()).stripeConnect?.test).toMatchObject({ accountId, chargesEnabled: false, payoutsEnabled: false });

    // The refresh URL starts again: the same account, a new link.
    const again = await api('POST', '/account/stripe/onboarding', { key: ownerToken });
    expect(again.body.url).not.toBe(first.body.url);
    expect(stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/accounts')).toHaveLength(1);
    expect(stripe.requests.filter((r) => r.path === '/v1/account_links')).toHaveLength(2);

    // On return the dashboard reads the status, which asks Stripe.
    const status = await api('GET', '/account/stripe', { key: ownerToken });
    expect(status.body).toMatchObject({
      available: true,
      connected: true,
      accountId,
      chargesEnabled: false,
      requirementsDue: ['business_profile.url', 'external_account', 'tos_acceptance.date'],
      disabledReason: 'requirements.past_due',
    });
    expect(stripe.requests.some((r) => r.method === 'GET' && r.path === `/v1/accounts/${accountId}`)).toBe(true);
    expect((await api('POST', '/account/stripe/onboarding', { key: merchant.apiKey })).status).toBe(403);
  });

  it('keeps the merchant’s status from account.updated, never from older news', async () => {
    const event = stripe.updateAccount(accountId, { charges_enabled: true, details_submitted: true, currently_due: [] });
    expect(await sendConnectEvent(event)).toEqual({ status: 200, outcome: 'applied' });
    expect((await merchantDoc()).stripeConnect?.test).toMatchObject({ accountId, chargesEnabled: true, payoutsEnabled: false, detailsSubmitted: true, requirementsDue: [], disabledReason: null });

    const older = { ...event, id: `${event.id}_older`, created: event.created - 60, data: { object: { ...event.data.object, charges_enabled: false } } };
    expect(await sendConnectEvent(older)).toEqual({ status: 200, outcome: 'stale' });
    expect(await sendConnectEvent(event)).toEqual({ status: 200, outcome: 'duplicate' });
    // An account no merchant connected changes nothing.
    const stranger = { ...event, id: `${event.id}_stranger`, account: 'acct_stranger', data: { object: { ...event.data.object, id: 'acct_stranger' } } };
    expect(await sendConnectEvent(stranger)).toEqual({ status: 200, outcome: 'unknown_account' });
    expect((await merchantDoc()).stripeConnect?.test?.chargesEnabled).toBe(true);
  });
});

describe('card payments on the connected account', () => {
  let invoiceId: string;
  let sessionId: string;
  let paymentIntent: string;

  it('creates the Checkout Session on the connected account, with the platform fee an operator set', async () => {
    const fee = await api('POST', `/operator/merchants/${merchant.merchantId}/platform-fee`, { key: operatorToken, body: { platformFeeBps: 250 } });
    expect(fee.body).toMatchObject({ platformFeeBps: 250, changed: true });
    expect((await api('POST', `/operator/merchants/${merchant.merchantId}/platform-fee`, { key: ownerToken, body: { platformFeeBps: 0 } })).status).toBe(403);

    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 34900 }) });
    invoiceId = created.body.id;
    const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
    expect(txn.status).toBe(201);
    sessionId = txn.body.next.url.split('/').pop();
    const request = stripe.requests.find((r) => r.path === '/v1/checkout/sessions' && r.form.client_reference_id === txn.body.id)!;
    expect(request.stripeAccount).toBe(accountId);
    // 2.5 % of 349.00, rounded down.
    expect(request.form.payment_intent_data).toMatchObject({ application_fee_amount: '872' });
  });

  it('lets an event from another account change nothing (payment.mismatch), and the connected account’s event pay', async () => {
    const session = stripe.complete(sessionId);
    paymentIntent = session.payment_intent!;
    const completed = (account: string) => ({ id: `evt_${account}_${sessionId}`, object: 'event', type: 'checkout.session.completed', livemode: false, account, data: { object: session } });

    expect(await sendConnectEvent(completed('acct_someoneelse'))).toEqual({ status: 200, outcome: 'mismatch' });
    const invoice = admin().db.collection('invoices').doc(invoiceId);
    expect((await invoice.get()).get('status')).toBe('processing');
    const mismatch = await invoice.collection('events').where('type', '==', 'payment.mismatch').get();
    expect(mismatch.docs.map((d) => d.get('data.differences'))).toEqual([[{ field: 'account', expected: accountId, received: 'acct_someoneelse' }]]);

    expect(await sendConnectEvent(completed(accountId))).toEqual({ status: 200, outcome: 'applied' });
    await waitForSnapshot(invoice, (s) => s.get('status') === 'paid');
    // Payment details are read on the connected account too.
    expect(stripe.requests.find((r) => r.path === `/v1/payment_intents/${paymentIntent}`)?.stripeAccount).toBe(accountId);
  });

  it('refunds on the connected account', async () => {
    const refund = await api('POST', `/invoices/${invoiceId}/refund`, { key: merchant.apiKey, body: { amount: 4900 } });
    expect(refund.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 4900 });
    expect(stripe.refunds.at(-1)).toEqual({ payment_intent: paymentIntent, amount: 4900, key: expect.stringMatching(/^refund-re_/), account: accountId });
  });

  it('closes sessions and looks them up (reconciliation) on the connected account', async () => {
    const cancelled = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const open = await api('POST', `/pay/${tokenOf(cancelled.body.payUrl)}/transactions`, { body: { method: 'card' } });
    const openSession = open.body.next.url.split('/').pop();
    await api('POST', `/invoices/${cancelled.body.id}/cancel`, { key: merchant.apiKey });
    expect(stripe.requests.find((r) => r.path === `/v1/checkout/sessions/${openSession}/expire`)?.stripeAccount).toBe(accountId);
    expect(stripe.sessions.get(openSession)!.status).toBe('expired');

    const lost = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const lostTxn = await api('POST', `/pay/${tokenOf(lost.body.payUrl)}/transactions`, { body: { method: 'card' } });
    const lostSession = lostTxn.body.next.url.split('/').pop();
    stripe.complete(lostSession);
    const db = admin().db;
    await db
      .collection('transactions')
      .doc(lostTxn.body.id)
      .update({ updatedAt: Timestamp.fromMillis(Date.now() - 16 * 60_000) });
    const card = stripeCardProvider({
      secretKey: localSecret('STRIPE_SECRET_KEY'),
      webhookSecret: localSecret('STRIPE_WEBHOOK_SECRET'),
      stripeOptions: { host: '127.0.0.1', port: FAKE_STRIPE_PORT, protocol: 'http' },
    });
    const outcomes = await reconcileStale({ db, providers: () => ({ db, card, phone: sandboxPhoneBilling() }) });
    expect(outcomes[lostTxn.body.id]).toBe('applied');
    expect(stripe.requests.find((r) => r.method === 'GET' && r.path === `/v1/checkout/sessions/${lostSession}`)?.stripeAccount).toBe(accountId);
  });
});

// Live mode needs the platform's live key, which the emulators' secrets do not hold (it is a
// test-key tier), so these run the same domain code the functions run with a live-keyed adapter
// on the fake Stripe, against the emulators' Firestore.
describe('live mode', () => {
  const LIVE = { secretKey: 'sk_live_fake_platform', webhookSecret: 'whsec_live_platform', connectWebhookSecret: 'whsec_live_connect' };
  const live = stripeCardProvider({ ...LIVE, stripeOptions: { host: '127.0.0.1', port: FAKE_STRIPE_PORT, protocol: 'http' } });
  const deployment = deploymentProviders({
    cardProvider: 'stripe',
    stripeSecretKey: LIVE.secretKey,
    stripeTestSecretKey: 'unset',
    phoneBillingProvider: 'sandbox',
    strexBaseUrl: 'https://test.target365.io',
  });

  it('offers card on live invoices only once the connected account can take charges, then charges there with the fee', async () => {
    const shop = await createMerchant({ name: 'Live Bakeri', paymentMethods: ['card'] });
    const db = admin().db;
    await db.collection('merchants').doc(shop.merchantId).update({ liveActivatedAt: Timestamp.now(), platformFeeBps: 100 });
    const liveMerchant = async (): Promise<MerchantDoc> => ({ ...(await merchantDoc(shop.merchantId)), mode: 'live' });
    const card = async () => methodAvailability(deployment, await liveMerchant(), 'live')[0];

    expect(await card()).toMatchObject({ available: false, missing: ['stripe_not_connected'] });
    await startOnboarding({ db, connect: live, publicBaseUrl: BASE_URL }, await liveMerchant(), shop.email);
    const liveAccount = (await liveMerchant()).stripeConnect!.live!.accountId;
    expect((await liveMerchant()).stripeConnect?.test).toBeUndefined();
    expect(await card()).toMatchObject({ available: false, missing: ['stripe_charges_disabled'] });
    expect(availableMethods(methodAvailability(deployment, await liveMerchant(), 'live'))).toEqual([]);

    const event = stripe.updateAccount(liveAccount, { charges_enabled: true, currently_due: [] });
    const payload = JSON.stringify(event);
    const parsed = await live.parseWebhook(Buffer.from(payload), Stripe.webhooks.generateTestHeaderString({ payload, secret: LIVE.connectWebhookSecret }));
    // A live account's event verified by test mode's secrets would change nothing.
    expect(await applyCardEvent(db, 'stripe', parsed, 'test')).toBe('unknown_account');
    expect(await applyCardEvent(db, 'stripe', parsed, 'live')).toBe('applied');
    expect(await card()).toMatchObject({ available: true, missing: [] });

    const offering = { ...(await liveMerchant()), offerable: availableMethods(methodAvailability(deployment, await liveMerchant(), 'live')) };
    const invoice = await db.runTransaction((tx) => createInvoice(db, tx, offering, parseOrThrow(createInvoiceSchema, validInvoice({ amount: 50000, paymentMethods: ['card'] })), BASE_URL));
    const txn = await startPayment(
      { db, publicBaseUrl: BASE_URL, providers: () => ({ card: live, phone: sandboxPhoneBilling() }) },
      { invoiceId: (invoice.body as { id: string }).id, merchantId: shop.merchantId },
      'card',
    );
    const request = stripe.requests.find((r) => r.path === '/v1/checkout/sessions' && r.form.client_reference_id === txn.id)!;
    expect(request.stripeAccount).toBe(liveAccount);
    expect(request.form.payment_intent_data).toMatchObject({ application_fee_amount: '500' });
    expect(stripe.sessions.get(String(txn.next?.url).split('/').pop()!)!.livemode).toBe(true);
    expect((await db.collection('transactions').doc(txn.id).get()).data()).toMatchObject({ mode: 'live', providerAccountId: liveAccount, platformFee: 500 });
  });
});
