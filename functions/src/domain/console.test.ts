import { describe, expect, it } from 'vitest';
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { addUserSchema, apiKeyPrefix, dayBuckets, newApiKeySecret, newWebhookSecret, rotateSecrets, settingsPatchSchema, settingsUpdates, statsQuerySchema, WEBHOOK_SECRET_GRACE_MS } from './console';
import { parseOrThrow } from './schemas';
import { DomainError } from './errors';

function fieldsOf(body: unknown): string[] {
  try {
    parseOrThrow(settingsPatchSchema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return ((error as DomainError).options.errors ?? []).map((e) => e.field);
  }
  throw new Error('expected a validation error');
}

describe('API key secrets', () => {
  it('look like sk_test_ / sk_live_ plus 32 base62 characters and pass the authenticate() pattern', () => {
    const test = newApiKeySecret('test');
    const live = newApiKeySecret('live');
    expect(test).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    expect(live).toMatch(/^sk_live_[A-Za-z0-9]{32}$/);
    expect(test).toMatch(/^sk_(test|live)_[A-Za-z0-9]+$/);
    expect(newApiKeySecret('test')).not.toBe(test);
    expect(apiKeyPrefix(test)).toBe(test.slice(0, 12));
    expect(apiKeyPrefix(test)).toMatch(/^sk_test_[A-Za-z0-9]{4}$/);
  });
});

describe('webhook secrets', () => {
  it('are whsec_ plus base64 of 24 bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
  });

  it('rotate with a 24 h grace period for the secrets still valid, dropping expired ones', () => {
    const now = Timestamp.fromMillis(1_800_000_000_000);
    const old = { secret: 'whsec_old', createdAt: Timestamp.fromMillis(1), expiresAt: null };
    const gone = { secret: 'whsec_gone', createdAt: Timestamp.fromMillis(1), expiresAt: Timestamp.fromMillis(now.toMillis() - 1) };
    const soon = { secret: 'whsec_soon', createdAt: Timestamp.fromMillis(1), expiresAt: Timestamp.fromMillis(now.toMillis() + 1000) };
    const next = rotateSecrets([old, gone, soon], 'whsec_new', now);
    expect(next.map((s) => s.secret)).toEqual(['whsec_old', 'whsec_soon', 'whsec_new']);
    expect(next[0]!.expiresAt!.toMillis()).toBe(now.toMillis() + WEBHOOK_SECRET_GRACE_MS);
    expect(next[1]!.expiresAt!.toMillis()).toBe(now.toMillis() + 1000);
    expect(next[2]).toEqual({ secret: 'whsec_new', createdAt: now, expiresAt: null });
  });
});

describe('settings patch schema', () => {
  it('accepts a partial update and clears fields with null', () => {
    const patch = parseOrThrow(settingsPatchSchema, {
      name: '  Fjord Bakery ',
      branding: { accentColor: '#0b57d0', logoUrl: null },
      settings: { paymentMethods: ['card'], locale: 'nb', smsTemplate: 'Pay {amount}: {link}', smsSender: 'Fjord', returnUrl: 'https://fjord.example/done' },
    });
    expect(patch.name).toBe('Fjord Bakery');
    const updates = settingsUpdates(patch);
    expect(updates).toMatchObject({
      name: 'Fjord Bakery',
      'branding.accentColor': '#0b57d0',
      'settings.paymentMethods': ['card'],
      'settings.locale': 'nb',
      'settings.smsSender': 'Fjord',
      'settings.returnUrl': 'https://fjord.example/done',
    });
    expect(updates['branding.logoUrl']).toEqual(FieldValue.delete());
    expect(updates).not.toHaveProperty('settings.cancelUrl');
  });

  it('accepts an E.164 sender', () => {
    expect(parseOrThrow(settingsPatchSchema, { settings: { smsSender: '+4791234567' } }).settings?.smsSender).toBe('+4791234567');
  });

  it('names every bad field', () => {
    expect(
      fieldsOf({
        name: '',
        branding: { accentColor: 'blue', logoUrl: 'javascript:alert(1)' },
        settings: {
          paymentMethods: [],
          locale: 'de',
          returnUrl: '/relative',
          callbackUrl: 'ftp://x.example',
          smsSender: 'Far too long a sender',
          smsTemplate: 'No link here',
        },
      }).sort(),
    ).toEqual(
      [
        'name',
        'branding.accentColor',
        'branding.logoUrl',
        'settings.paymentMethods',
        'settings.locale',
        'settings.returnUrl',
        'settings.callbackUrl',
        'settings.smsSender',
        'settings.smsTemplate',
      ].sort(),
    );
  });

  it('refuses unknown fields, long templates and short hex colours', () => {
    expect(fieldsOf({ mode: 'live' })).toEqual(['mode']);
    expect(fieldsOf({ settings: { smsTemplate: `{link}${'x'.repeat(1000)}` } })).toEqual(['settings.smsTemplate']);
    expect(fieldsOf({ branding: { accentColor: '#abc' } })).toEqual(['branding.accentColor']);
    expect(fieldsOf({ settings: { smsSender: '123456' } })).toEqual(['settings.smsSender']);
  });
});

describe('other console schemas', () => {
  it('validates new users', () => {
    expect(parseOrThrow(addUserSchema, { email: 'a@example.com', role: 'staff' })).toEqual({ email: 'a@example.com', role: 'staff' });
    expect(() => parseOrThrow(addUserSchema, { email: 'nope', role: 'admin' })).toThrow(DomainError);
  });

  it('defaults the overview to 30 days in UTC and bounds it', () => {
    expect(parseOrThrow(statsQuerySchema, {}, 'query')).toEqual({ days: 30, tzOffset: 0 });
    expect(parseOrThrow(statsQuerySchema, { days: '7', tzOffset: '60' }, 'query')).toEqual({ days: 7, tzOffset: 60 });
    expect(() => parseOrThrow(statsQuerySchema, { days: '365' }, 'query')).toThrow(DomainError);
  });
});

describe('dayBuckets', () => {
  it('covers the last N local days, oldest first, contiguous, ending at the next local midnight', () => {
    const now = Date.parse('2026-03-10T23:30:00Z'); // 00:30 on 11 March in UTC+1
    const utc = dayBuckets(3, 0, now);
    expect(utc.map((b) => b.date)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    expect(utc[2]!.end).toBe(Date.parse('2026-03-11T00:00:00Z'));
    const oslo = dayBuckets(3, 60, now);
    expect(oslo.map((b) => b.date)).toEqual(['2026-03-09', '2026-03-10', '2026-03-11']);
    expect(oslo[2]!.start).toBe(Date.parse('2026-03-10T23:00:00Z'));
    for (let i = 1; i < oslo.length; i++) expect(oslo[i]!.start).toBe(oslo[i - 1]!.end);
    expect(dayBuckets(30, 0, now)).toHaveLength(30);
  });
});

describe('support contacts in settings (the receipts’ way to ask or complain)', () => {
  it('takes an email address and an E.164 number, and null clears them', () => {
    const patch = parseOrThrow(settingsPatchSchema, { settings: { supportEmail: 'help@shop.example', supportPhone: '+4722334455' } });
    expect(settingsUpdates(patch)).toEqual({ 'settings.supportEmail': 'help@shop.example', 'settings.supportPhone': '+4722334455' });
    const cleared = settingsUpdates(parseOrThrow(settingsPatchSchema, { settings: { supportEmail: null, supportPhone: null } }));
    expect(cleared['settings.supportEmail']).toEqual(FieldValue.delete());
    expect(cleared['settings.supportPhone']).toEqual(FieldValue.delete());
  });

  it('refuses anything else field by field', () => {
    expect(fieldsOf({ settings: { supportEmail: 'not an email', supportPhone: '22334455' } })).toEqual(['settings.supportEmail', 'settings.supportPhone']);
    expect(fieldsOf({ settings: { supportEmail: `${'a'.repeat(250)}@x.no` } })).toEqual(['settings.supportEmail']);
    expect(fieldsOf({ settings: { supportPhone: '+0123456789' } })).toEqual(['settings.supportPhone']);
    expect(fieldsOf({ settings: { supportPhone: 4722334455 } })).toEqual(['settings.supportPhone']);
  });
});
