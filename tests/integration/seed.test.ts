import { describe, expect, it } from 'vitest';
import { DEMO, seedMerchant } from '../../scripts/support/seed.mjs';
import { admin } from '../support/admin';
import { api } from '../support/api';
import { PROJECT_ID } from '../support/env';
import { idTokenFor } from '../support/idToken';

describe("npm start's demo merchant (scripts/support/seed.mjs)", () => {
  it('signs in to the dashboard as owner through its membership document, also after seeding again', async () => {
    await seedMerchant(PROJECT_ID, DEMO);
    const { uid } = await seedMerchant(PROJECT_ID, DEMO); // `npm start` seeds on every run
    const member = await admin().db.collection('merchants').doc(DEMO.merchantId).collection('members').doc(uid).get();
    expect(member.data()).toMatchObject({ email: DEMO.email, role: 'owner' });

    const token = await idTokenFor(DEMO.email, DEMO.password);
    const settings = await api('GET', '/settings', { key: token });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ id: DEMO.merchantId, name: DEMO.name });
    // Owner-only (role table): the seeded login is an owner, not just a member.
    expect((await api('GET', '/api-keys', { key: token })).status).toBe(200);
    expect((await api('GET', '/invoices', { key: DEMO.apiKey })).status).toBe(200);
  });
});
