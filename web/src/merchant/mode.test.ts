import { beforeEach, describe, expect, it, vi } from 'vitest';

async function fresh() {
  vi.resetModules();
  return import('./mode');
}

describe('dashboard mode', () => {
  beforeEach(() => localStorage.clear());

  it('starts in test mode and refuses live until it is activated', async () => {
    const m = await fresh();
    expect(m.dashboardMode.value).toBe('test');
    expect(m.chooseMode('live')).toBe(false);
    m.liveActivated.value = false;
    expect(m.chooseMode('live')).toBe(false);
    expect(m.dashboardMode.value).toBe('test');
    m.liveActivated.value = true;
    expect(m.chooseMode('live')).toBe(true);
    expect(m.dashboardMode.value).toBe('live');
  });

  it('keeps the choice per browser, and falls back to test when live is not activated', async () => {
    const first = await fresh();
    first.liveActivated.value = true;
    first.chooseMode('live');
    const again = await fresh();
    // Still loading the merchant: the stored live choice holds.
    expect(again.dashboardMode.value).toBe('live');
    again.liveActivated.value = false;
    expect(again.dashboardMode.value).toBe('test');
    again.liveActivated.value = true;
    expect(again.dashboardMode.value).toBe('live');
  });
});
