import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('./firebase', () => ({ firebase: () => ({ auth: { currentUser: { getIdToken: async () => 'id-token' } } }) }));

import { merchantApi } from './api';
import { chooseMode, liveActivated } from './mode';

describe('merchantApi', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sends the dashboard's mode as X-Mode on every call", async () => {
    const fetchMock = vi.fn(async () => new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await merchantApi('/settings');
    liveActivated.value = true;
    chooseMode('live');
    await merchantApi('/invoices', { body: {} });
    const modes = fetchMock.mock.calls.map((call) => ((call as unknown as [string, RequestInit])[1].headers as Record<string, string>)['X-Mode']);
    expect(modes).toEqual(['test', 'live']);
  });
});
