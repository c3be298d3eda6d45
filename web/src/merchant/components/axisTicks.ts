/**
 * Which of `count` evenly spaced bars get a label: the last one always, then every `step`-th
 * counting back from it, so no two labels are closer than `step` bars (none overlap).
 */
export function axisTicks(count: number, maxLabels: number): number[] {
  if (count <= 0) return [];
  const step = Math.max(1, Math.ceil(count / Math.max(1, maxLabels)));
  const ticks: number[] = [];
  for (let i = count - 1; i >= 0; i -= step) ticks.unshift(i);
  return ticks;
}
