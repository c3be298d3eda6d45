import { describe, expect, it } from 'vitest';
import { callbackUrlProblem, isNonPublicAddress } from './callbackUrl';

const live = { allowLoopback: false };

describe('callbackUrlProblem (live mode)', () => {
  it.each([
    'http://example.com/hook',
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://10.1.2.3/',
    'https://172.20.0.1/',
    'https://192.168.1.1/',
    'https://169.254.10.10/latest/meta-data',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://2130706433/',
    'https://0x7f000001/',
    'https://017700000001/',
    'https://0x7f.1/',
    'https://127.1/',
    'https://metadata.cloud.internal/',
    'https://user:pw@example.com/',
    'javascript:alert(1)',
  ])('refuses %s', (url) => {
    expect(callbackUrlProblem(url, live)).not.toBeNull();
  });

  it('accepts https to a public host or address', () => {
    expect(callbackUrlProblem('https://example.com/hooks/smspay', live)).toBeNull();
    expect(callbackUrlProblem('https://93.184.215.14/hook', live)).toBeNull();
  });

  it('allows http to loopback on the emulators only', () => {
    expect(callbackUrlProblem('http://127.0.0.1:9999/hook', { allowLoopback: true })).toBeNull();
    expect(callbackUrlProblem('http://127.0.0.1:9999/hook', live)).not.toBeNull();
  });

  it('classifies addresses', () => {
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('2001:4860:4860::8888')).toBe(false);
    expect(isNonPublicAddress('100.64.0.1')).toBe(true);
  });
});
