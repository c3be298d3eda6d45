import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { doc, getDoc, setDoc, updateDoc, deleteDoc, collection, getDocs, query, where, onSnapshot } from 'firebase/firestore';
import { FIRESTORE_READ_ACCESS, MEMBER_ROLES, type MemberRole } from '../../functions/src/domain/access';

// A project of its own, so loading rules and clearing data never touch the other suites.
const PROJECT = 'demo-smspay-rules';
let env: RulesTestEnvironment;

const A = 'merchant-a';
const B = 'merchant-b';

/** One document per entry of the role table, for merchant `m`. */
const tablePaths = (m: string): Record<keyof typeof FIRESTORE_READ_ACCESS, string> => ({
  'merchants/{m}': `merchants/${m}`,
  'invoices/{id}': `invoices/inv-${m}`,
  'invoices/{id}/events/{event}': `invoices/inv-${m}/events/e1`,
  'transactions/{id}': `transactions/txn-${m}`,
  'smsMessages/{id}': `smsMessages/sms-${m}`,
  'callbackEvents/{id}': `callbackEvents/evt-${m}`,
  'callbackEvents/{id}/attempts/{attempt}': `callbackEvents/evt-${m}/attempts/001`,
  'apiKeys/{hash}': `apiKeys/hash-${m}`,
});

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
  'smsMessages/sms-merchant-a/secrets/text',
  'merchants/merchant-a/members/owner-a',
  'merchants/merchant-a/disabledCallbackUrls/h',
  'invitations/i',
  'outboxHandset/sms-1',
  // Limits on what costs money or texts a person (domain/limits.ts): a client that could read
  // them learns who is paying; one that could write them resets a limit.
  'rateLimits/starts_inv-merchant-a',
  'rateLimits/pinSms_+4791234567',
  'sandboxRefunds/re_sandbox_1',
  'smsProviderIds/twilio_SM1',
  'idempotencyKeys/k/bodyChunks/0000',
  // Operators only (below), never a merchant's member.
  'operatorLog/entry-1',
  // scripts/bench-api.mjs's operation-meter self-test writes here in the emulator.
  'benchSelfTest/x',
];

/** Every collection (and subcollection) a path above names: the even segments. */
const collectionsOf = (path: string) => path.split('/').filter((_, i) => i % 2 === 0);

/**
 * The collection names the code reads or writes: every `collection('name')` and
 * `collection(db, 'name', …)` in the functions, the web app and the scripts, tests excluded.
 */
function collectionsInCode(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const at = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'lib', 'dist'].includes(entry.name)) walk(at);
      } else if (/\.(ts|mts|mjs|vue)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        const text = readFileSync(at, 'utf8');
        for (const call of text.matchAll(/\bcollection(?:Group)?\(/g)) {
          // The call's arguments, up to its closing parenthesis; its string literals are the names.
          let depth = 1;
          let i = call.index + call[0].length;
          for (; i < text.length && depth > 0; i++) depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0;
          for (const literal of text.slice(call.index + call[0].length, i - 1).matchAll(/['"`]([A-Za-z_]\w*)['"`]/g)) found.add(literal[1]!);
        }
      }
    }
  };
  for (const dir of ['functions/src', 'web/src', 'scripts']) walk(dir);
  return found;
}

const member = (uid: string, m: string, role: MemberRole) => ({ uid, m, role });
const members = [member('owner-a', A, 'owner'), member('staff-a', A, 'staff'), member('owner-b', B, 'owner')];

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
    for (const { uid, m, role } of members) await setDoc(doc(db, 'merchants', m, 'members', uid), { email: `${uid}@example.com`, role });
    for (const path of serverOnly.filter((p) => !['merchantSecrets/merchant-a', 'merchants/merchant-a/members/owner-a'].includes(p))) {
      await setDoc(doc(db, path), { merchantId: A });
    }
  });
});

afterAll(async () => {
  await env?.cleanup();
});

const asMember = (uid: string, m: string, role: string, emailVerified = true) =>
  env.authenticatedContext(uid, { merchantId: m, role, email: `${uid}@example.com`, email_verified: emailVerified }).firestore();
const ownerA = () => asMember('owner-a', A, 'owner');
const staffA = () => asMember('staff-a', A, 'staff');
const ownerB = () => asMember('owner-b', B, 'owner');
const payer = () => env.authenticatedContext('payer', {}).firestore();
/** A platform operator (the `operator` claim of scripts/operator.mjs), who is no merchant's member. */
const operator = () => env.authenticatedContext('operator-1', { operator: true, email: 'ops@example.com', email_verified: true }).firestore();
const anonymous = () => env.unauthenticatedContext().firestore();

describe('firestore.rules: the role table of domain/access.ts', () => {
  for (const role of MEMBER_ROLES) {
    it(`lets ${role}s read exactly what the table gives them of their own merchant, and nothing server-only`, async () => {
      const db = role === 'owner' ? ownerA() : staffA();
      for (const [entry, path] of Object.entries(tablePaths(A)) as [keyof typeof FIRESTORE_READ_ACCESS, string][]) {
        const allowed = (FIRESTORE_READ_ACCESS[entry] as readonly MemberRole[]).includes(role);
        if (allowed) await assertSucceeds(getDoc(doc(db, path)));
        else await assertFails(getDoc(doc(db, path)));
      }
      for (const path of serverOnly) await assertFails(getDoc(doc(db, path)));
    });
  }

  it('keeps merchant B, payers and anonymous users out of A’s data entirely', async () => {
    for (const db of [ownerB(), payer(), anonymous()]) {
      for (const path of [...Object.values(tablePaths(A)), ...serverOnly]) await assertFails(getDoc(doc(db, path)));
    }
  });

  it('lets an operator read merchants and the operator log, and nothing else', async () => {
    const db = operator();
    await assertSucceeds(getDoc(doc(db, `merchants/${A}`)));
    await assertSucceeds(getDoc(doc(db, 'operatorLog/entry-1')));
    await assertSucceeds(getDocs(collection(db, 'operatorLog')));
    for (const path of [...Object.values(tablePaths(A)).filter((p) => p !== `merchants/${A}`), ...serverOnly.filter((p) => !p.startsWith('operatorLog/'))]) {
      await assertFails(getDoc(doc(db, path)));
    }
  });

  it('walks every collection the code reads or writes (grep of collection names)', () => {
    const walked = new Set([...Object.values(tablePaths(A)), ...serverOnly].flatMap(collectionsOf));
    const named = collectionsInCode();
    // The scan itself works: it finds the limits' collection and a web subcollection.
    expect([...named]).toEqual(expect.arrayContaining(['rateLimits', 'invoices', 'attempts']));
    expect([...named].filter((name) => !walked.has(name)).sort(), 'collections the code names that this test never reads or writes').toEqual([]);
  });

  it('grants nothing on claims alone: a verified email and the membership document decide whether and as what', async () => {
    const forged = asMember('forged-owner', A, 'owner');
    for (const path of Object.values(tablePaths(A))) await assertFails(getDoc(doc(forged, path)));
    // A session from before the address was verified (e.g. of an account someone else made with it) counts for nothing.
    const unverified = asMember('owner-a', A, 'owner', false);
    for (const path of Object.values(tablePaths(A))) await assertFails(getDoc(doc(unverified, path)));
    const staffClaimingOwner = asMember('staff-a', A, 'owner');
    for (const [entry, path] of Object.entries(tablePaths(A)) as [keyof typeof FIRESTORE_READ_ACCESS, string][]) {
      if ((FIRESTORE_READ_ACCESS[entry] as readonly MemberRole[]).includes('staff')) await assertSucceeds(getDoc(doc(staffClaimingOwner, path)));
      else await assertFails(getDoc(doc(staffClaimingOwner, path)));
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
    await assertFails(getDocs(collection(ownerA(), 'merchants', A, 'members')));
  });

  it('denies every write to every collection, to every role: create, overwrite, update and delete', async () => {
    const roles = { ownerA, staffA, ownerB, payer, anonymous, operator };
    for (const [name, as] of Object.entries(roles)) {
      const db = as();
      const paths = [...Object.values(tablePaths(A)), ...Object.values(tablePaths(B)), ...serverOnly];
      await Promise.all(
        paths.map(async (path) => {
          const fresh = `${path.split('/').slice(0, -1).join('/')}/new-by-${name}`;
          const label = `${name} writing ${path}`;
          await assertFails(setDoc(doc(db, fresh), { merchantId: A, status: 'paid' })).catch((e) => Promise.reject(new Error(`${label} (create): ${e}`)));
          await assertFails(setDoc(doc(db, path), { merchantId: A, status: 'paid' })).catch((e) => Promise.reject(new Error(`${label} (set): ${e}`)));
          await assertFails(updateDoc(doc(db, path), { status: 'paid' })).catch((e) => Promise.reject(new Error(`${label} (update): ${e}`)));
          await assertFails(deleteDoc(doc(db, path))).catch((e) => Promise.reject(new Error(`${label} (delete): ${e}`)));
        }),
      );
    }
  });

  it('denies every client write: no one writes money, status, keys, settings or memberships', async () => {
    for (const db of [ownerA(), staffA(), ownerB(), payer(), anonymous(), operator()]) {
      await assertFails(setDoc(doc(db, 'invoices', 'new'), { merchantId: A, status: 'paid', amount: 1 }));
      await assertFails(updateDoc(doc(db, 'invoices', 'inv-merchant-a'), { status: 'paid' }));
      await assertFails(deleteDoc(doc(db, 'invoices', 'inv-merchant-a')));
      await assertFails(updateDoc(doc(db, 'transactions', 'txn-merchant-a'), { status: 'succeeded' }));
      await assertFails(setDoc(doc(db, 'merchants', A), { name: 'hijacked' }));
      await assertFails(setDoc(doc(db, 'apiKeys', 'new'), { merchantId: A }));
      await assertFails(setDoc(doc(db, 'smsMessages', 'new'), { merchantId: A }));
      await assertFails(setDoc(doc(db, 'payTokens', 'new'), { merchantId: A }));
      await assertFails(setDoc(doc(db, 'merchants', A, 'members', 'payer'), { role: 'owner' }));
      await assertFails(setDoc(doc(db, 'invitations', 'new'), { merchantId: A, role: 'owner' }));
    }
  });

  it('ends a removed member’s reads at once, and their open listener stops receiving data', async () => {
    await env.withSecurityRulesDisabled((ctx) => setDoc(doc(ctx.firestore(), 'merchants', A, 'members', 'leaver'), { email: 'leaver@example.com', role: 'staff' }));
    const leaver = asMember('leaver', A, 'staff');
    const received: number[] = [];
    let listenerError: Error | null = null;
    const stop = onSnapshot(
      query(collection(leaver, 'invoices'), where('merchantId', '==', A)),
      (snap) => received.push(snap.size),
      (error) => (listenerError = error),
    );
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until(() => received.length > 0);
    expect(received).toEqual([1]);

    // Removal, as the API does it: the membership document goes; the token (and its claims) stays.
    await env.withSecurityRulesDisabled((ctx) => deleteDoc(doc(ctx.firestore(), 'merchants', A, 'members', 'leaver')));
    await env.withSecurityRulesDisabled((ctx) => setDoc(doc(ctx.firestore(), 'invoices', 'inv-after-removal'), { merchantId: A, status: 'sent', amount: 5 }));
    await until(() => listenerError !== null);
    stop();
    expect(listenerError, 'the listener is cut off').not.toBeNull();
    expect(received, 'no snapshot with the invoice written after the removal').toEqual([1]);
    await assertFails(getDoc(doc(leaver, 'invoices/inv-merchant-a')));
  });
});
