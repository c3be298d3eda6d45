import { createServer, type Server } from 'node:http';
import type Stripe from 'stripe';

export const FAKE_STRIPE_PORT = 12111;

interface Session {
  id: string;
  object: 'checkout.session';
  url: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  payment_intent: string | null;
  client_reference_id: string;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  livemode: boolean;
  success_url: string;
  cancel_url: string;
  expires_at: number;
}

/** A card as Stripe reports it on a charge's `payment_method_details.card` (the fields we read, and a few more). */
export interface FakeCard {
  brand: string;
  last4: string;
  country: string;
  wallet?: 'apple_pay' | 'google_pay';
}

/** Nested form keys (`metadata[invoiceId]`, `line_items[0][price_data][unit_amount]`) to an object. */
function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]/).filter(Boolean);
    let node = out as Record<string, unknown>;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

/** A connected account as POST /v1/accounts answers it: nothing submitted, nothing enabled yet. */
function newAccount(id: string, form: Record<string, unknown>): Stripe.Account {
  const due = ['business_profile.url', 'external_account', 'tos_acceptance.date'];
  const account: Stripe.Account = {
    id,
    object: 'account',
    type: 'standard',
    business_profile: {
      name: String((form.business_profile as Record<string, string> | undefined)?.name ?? ''),
      mcc: null,
      minority_owned_business_designation: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
    email: typeof form.email === 'string' ? form.email : null,
    country: 'NO',
    default_currency: 'nok',
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    created: Math.floor(Date.now() / 1000),
    metadata: (form.metadata as Record<string, string>) ?? {},
    requirements: { alternatives: [], current_deadline: null, currently_due: due, disabled_reason: 'requirements.past_due', errors: [], eventually_due: due, past_due: due, pending_verification: [] },
  };
  return account;
}

/**
 * A stand-in for Stripe's API on 127.0.0.1, following its documented contract: form-encoded
 * requests, bearer secret key, Idempotency-Key replay, Checkout Session objects. Connect: accounts
 * and Account Links, and calls on a connected account (the Stripe-Account header), where objects
 * of one account are not found on another. Its "hosted
 * page" is a plain page on the same server; tests play Stripe's part by sending the webhook.
 */
export async function startFakeStripe() {
  const sessions = new Map<string, Session>();
  const refunds: { payment_intent: string; amount: number; key: string }[] = [];
  const replies = new Map<string, string>();
  const intents = new Map<string, { amount: number; currency: string; card: FakeCard; account?: string }>();
  const accounts = new Map<string, Stripe.Account>();
  /** The connected account each session was made on (Stripe-Account header); none for the platform's own. */
  const sessionAccounts = new Map<string, string>();
  // Accounts made with a live key are live accounts; their events say so.
  const accountModes = new Map<string, boolean>();
  const requests: { method: string; path: string; form: Record<string, unknown>; idempotencyKey?: string; stripeAccount?: string }[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const form = parseForm(body);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const stripeAccount = req.headers['stripe-account'] as string | undefined;
      requests.push({ method: req.method!, path, form, idempotencyKey, ...(stripeAccount ? { stripeAccount } : {}) });
      const send = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        if (idempotencyKey && req.method === 'POST') replies.set(idempotencyKey, text);
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      };
      if (path.startsWith('/checkout/') || path.startsWith('/setup/')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Fake Stripe Checkout</title><h1>Fake Stripe Checkout</h1>');
        return;
      }
      const key = /^Bearer (sk_(test|live)_\w+)$/.exec(req.headers.authorization ?? '');
      if (!key) return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      // The key decides the mode of everything it makes, as at Stripe.
      const livemode = key[2] === 'live';
      if (stripeAccount && !accounts.has(stripeAccount)) {
        return send(403, { error: { type: 'invalid_request_error', message: `The provided key does not have access to account '${stripeAccount}' (or that account does not exist).` } });
      }
      if (idempotencyKey && req.method === 'POST' && replies.has(idempotencyKey)) {
        res.writeHead(200, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(replies.get(idempotencyKey));
        return;
      }
      const sessionMatch = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path);
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const id = `cs_test_fake${++n}${Date.now()}`;
        const item = (form.line_items as Record<string, { price_data: { currency: string; unit_amount: string } }>)['0']!;
        const session: Session = {
          id,
          object: 'checkout.session',
          url: `http://127.0.0.1:${FAKE_STRIPE_PORT}/checkout/${id}`,
          status: 'open',
          payment_status: 'unpaid',
          payment_intent: null,
          client_reference_id: String(form.client_reference_id),
          metadata: form.metadata as Record<string, string>,
          amount_total: Number(item.price_data.unit_amount),
          currency: item.price_data.currency,
          livemode,
          success_url: String(form.success_url),
          cancel_url: String(form.cancel_url),
          expires_at: Number(form.expires_at),
        };
        if (stripeAccount) sessionAccounts.set(id, stripeAccount);
        sessions.set(id, session);
        return send(200, session);
      }
      if (sessionMatch) {
        const found = sessions.get(sessionMatch[1]!);
        // A connected account's objects exist only on that account.
        const session = found && sessionAccounts.get(found.id) === stripeAccount ? found : undefined;
        if (!session) return send(404, { error: { type: 'invalid_request_error', message: 'No such checkout.session' } });
        if (sessionMatch[2]) {
          if (session.status !== 'open') return send(400, { error: { type: 'invalid_request_error', message: 'Only Checkout Sessions with a status in ["open"] can be expired.' } });
          session.status = 'expired';
        }
        return send(200, session);
      }
      const intentMatch = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && intentMatch) {
        const stored = intents.get(intentMatch[1]!);
        const intent = stored && stored.account === stripeAccount ? stored : undefined;
        if (!intent) return send(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${intentMatch[1]}'` } });
        const expand = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').getAll('expand[0]').concat(new URLSearchParams((req.url ?? '').split('?')[1] ?? '').getAll('expand[]'));
        const chargeId = `ch_fake_${intentMatch[1]!.slice(-8)}`;
        const balanceId = `txn_fake_${intentMatch[1]!.slice(-8)}`;
        // Stripe's fee for a European card: 1.5 % + 1.80 NOK-ish; a fixed rule is enough for a fake.
        const fee = Math.round(intent.amount * 0.015) + 180;
        const balance = { id: balanceId, object: 'balance_transaction', amount: intent.amount, currency: intent.currency, fee, net: intent.amount - fee, type: 'charge' };
        const charge = {
          id: chargeId,
          object: 'charge',
          amount: intent.amount,
          currency: intent.currency,
          paid: true,
          status: 'succeeded',
          payment_intent: intentMatch[1],
          balance_transaction: expand.includes('latest_charge.balance_transaction') ? balance : balanceId,
          payment_method_details: {
            type: 'card',
            card: {
              brand: intent.card.brand,
              last4: intent.card.last4,
              country: intent.card.country,
              exp_month: 12,
              exp_year: 2030,
              funding: 'credit',
              network: intent.card.brand,
              wallet: intent.card.wallet ? { type: intent.card.wallet, [intent.card.wallet]: {}, dynamic_last4: intent.card.last4 } : null,
            },
          },
        };
        const expanded = expand.some((e) => e === 'latest_charge' || e.startsWith('latest_charge.'));
        return send(200, { id: intentMatch[1], object: 'payment_intent', amount: intent.amount, currency: intent.currency, status: 'succeeded', latest_charge: expanded ? charge : chargeId });
      }
      if (req.method === 'POST' && path === '/v1/accounts') {
        const account = newAccount(`acct_fake${++n}${Date.now() % 100000}`, form);
        accounts.set(account.id, account);
        accountModes.set(account.id, livemode);
        return send(200, account);
      }
      const accountMatch = /^\/v1\/accounts\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && accountMatch) {
        const account = accounts.get(accountMatch[1]!);
        if (!account) return send(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such account: '${accountMatch[1]}'` } });
        return send(200, account);
      }
      if (req.method === 'POST' && path === '/v1/account_links') {
        const account = String(form.account);
        if (!accounts.has(account)) return send(400, { error: { type: 'invalid_request_error', param: 'account', message: `No such account: '${account}'` } });
        const created = Math.floor(Date.now() / 1000);
        const link: Stripe.AccountLink = { object: 'account_link', created, expires_at: created + 300, url: `http://127.0.0.1:${FAKE_STRIPE_PORT}/setup/${account}/${++n}` };
        return send(200, link);
      }
      if (req.method === 'POST' && path === '/v1/refunds') {
        const intent = intents.get(String(form.payment_intent));
        if (intent && intent.account !== stripeAccount)
          return send(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${String(form.payment_intent)}'` } });
        refunds.push({ payment_intent: String(form.payment_intent), amount: Number(form.amount), key: idempotencyKey ?? '', ...(stripeAccount ? { account: stripeAccount } : {}) });
        return send(200, { id: `re_fake${refunds.length}`, object: 'refund', status: 'succeeded', amount: Number(form.amount) });
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(FAKE_STRIPE_PORT, '127.0.0.1', resolve));
  return {
    sessions,
    refunds,
    requests,
    accounts,
    /** What Stripe does as the merchant finishes onboarding: the account's status changes; returns the `account.updated` event Stripe sends the Connect endpoint. */
    updateAccount(
      id: string,
      changes: Partial<Pick<Stripe.Account, 'charges_enabled' | 'payouts_enabled' | 'details_submitted'>> & { currently_due?: string[] },
      created = Math.floor(Date.now() / 1000),
    ) {
      const account = accounts.get(id)!;
      const { currently_due, ...flags } = changes;
      Object.assign(account, flags);
      if (currently_due) Object.assign(account.requirements!, { currently_due, past_due: [], eventually_due: currently_due, disabled_reason: currently_due.length ? 'requirements.past_due' : null });
      const livemode = accountModes.get(id) ?? false;
      return { id: `evt_acct_${++n}`, object: 'event', api_version: '2026-02-25.clover', type: 'account.updated', account: id, created, livemode, data: { object: structuredClone(account) } };
    },
    /** What Stripe does when the payer pays: the session completes with a payment intent, charged to `card`. */
    complete(id: string, card: FakeCard = { brand: 'visa', last4: '4242', country: 'US' }) {
      const session = sessions.get(id)!;
      session.status = 'complete';
      session.payment_status = 'paid';
      session.payment_intent = `pi_fake_${id.slice(-8)}`;
      intents.set(session.payment_intent, { amount: session.amount_total, currency: session.currency, card, ...(sessionAccounts.has(id) ? { account: sessionAccounts.get(id) } : {}) });
      return session;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
