import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { callbackUrlProblem, isNonPublicAddress, resolveCallbackTarget } from './callbackUrl';
import { pinnedCallbackPoster } from './callbacks';

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
    // Trailing-dot spellings of the same hosts.
    'https://localhost./',
    'https://localhost../',
    'https://127.0.0.1./',
    'https://cloud-host.internal./',
    'https://foo.localhost./',
    // Special IPv6 ranges.
    'https://[::]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[::ffff:169.254.10.20]/',
    'https://[::ffff:0:7f00:1]/',
    'https://[::7f00:1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[64:ff9b:1::1]/',
    'https://[2002:7f00:1::]/',
    'https://[2001::1]/',
    'https://[2001:db8::1]/',
    'https://[fc00::1]/',
    'https://[fec0::1]/',
    'https://[ff02::1]/',
    'https://[100::1]/',
    'https://[3fff::1]/',
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

  it('allows on the emulators exactly loopback in addition to what live allows', () => {
    const emulator = { allowLoopback: true };
    for (const url of ['http://127.0.0.1:9999/hook', 'http://localhost:9999/', 'http://localhost.:9999/', 'http://[::1]:9999/', 'https://127.0.0.2/', 'https://example.com/hook']) {
      expect(callbackUrlProblem(url, emulator), url).toBeNull();
    }
    for (const url of ['http://169.254.10.20/x', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://[fe80::1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://example.com/', 'ftp://127.0.0.1/']) {
      expect(callbackUrlProblem(url, emulator), url).not.toBeNull();
    }
  });

  it('classifies addresses', () => {
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('2001:4860:4860::8888')).toBe(false);
    expect(isNonPublicAddress('100.64.0.1')).toBe(true);
  });
});

describe('resolveCallbackTarget: resolve once, check every address, connect to the one checked', () => {
  const lookupOf = (...answers: string[][]) => {
    let calls = 0;
    const lookup = async () => (answers[Math.min(calls++, answers.length - 1)] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    return Object.assign(lookup, { calls: () => calls });
  };

  it('pins the address it checked, looking the name up once', async () => {
    // A rebinding name: public on the first answer, metadata address on any later one.
    const lookup = lookupOf(['93.184.215.14'], ['169.254.10.20']);
    const resolved = await resolveCallbackTarget('https://rebind.example.com/hook', live, lookup);
    expect(resolved).toEqual({ target: { url: 'https://rebind.example.com/hook', address: '93.184.215.14', family: 4 } });
    expect(lookup.calls()).toBe(1);
  });

  it('refuses a name when any of its addresses is not public', async () => {
    for (const answer of [['93.184.215.14', '10.0.0.1'], ['::ffff:127.0.0.1'], ['64:ff9b::a9fe:a9fe'], ['fd00::1'], []]) {
      expect(await resolveCallbackTarget('https://mixed.example.com/', live, lookupOf(answer)), answer.join()).toHaveProperty('problem');
    }
    expect(await resolveCallbackTarget('https://gone.example.com/', live, async () => Promise.reject(new Error('ENOTFOUND')))).toEqual({ problem: 'host name does not resolve' });
  });

  it('lets a name resolve to loopback on the emulators only', async () => {
    expect(await resolveCallbackTarget('http://localhost:9/', { allowLoopback: true }, lookupOf(['127.0.0.1']))).toHaveProperty('target.address', '127.0.0.1');
    expect(await resolveCallbackTarget('https://sneaky.example.com/', { allowLoopback: true }, lookupOf(['169.254.10.20']))).toHaveProperty('problem');
  });
});

describe('pinnedCallbackPoster', () => {
  it('connects to the pinned address with the name as Host, never asking DNS', async () => {
    const seen: { host?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      // The name does not exist: only the pinned address can make this connection work.
      const response = await pinnedCallbackPoster({ url: `http://callbacks.invalid:${port}/hook`, address: '127.0.0.1', family: 4 }, { 'webhook-id': 'evt_1' }, '{"a":1}');
      expect(response).toMatchObject({ statusCode: 204, error: null });
      expect(seen).toEqual([{ host: `callbacks.invalid:${port}`, body: '{"a":1}' }]);
    } finally {
      server.close();
    }
  });
});
