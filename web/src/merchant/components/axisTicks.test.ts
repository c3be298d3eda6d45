import { describe, expect, it } from 'vitest';
import { axisTicks } from './axisTicks';

describe('axisTicks', () => {
  it('labels the last day and keeps every label a full step from the next', () => {
    for (let count = 1; count <= 90; count++) {
      const ticks = axisTicks(count, 6);
      const step = Math.ceil(count / 6);
      expect(ticks.at(-1)).toBe(count - 1);
      expect(ticks.length).toBeLessThanOrEqual(6);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(step);
    }
  });

  it('30 days: six labels five days apart, ending on the last day', () => {
    expect(axisTicks(30, 6)).toEqual([4, 9, 14, 19, 24, 29]);
  });
});
