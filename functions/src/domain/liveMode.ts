import { DomainError } from './errors';
import type { Mode } from './types';

/**
 * A live key creates nothing while a configured provider is a sandbox: a live invoice or
 * transaction must never be payable where no money moves. (Interim rule until per-merchant live
 * providers exist; the settle path refuses sandbox settlement of live transactions as well.)
 */
export function assertLiveProviders(mode: Mode, sandbox: { card: boolean; phone: boolean }): void {
  if (mode !== 'live') return;
  const sandboxes = [sandbox.card && 'card', sandbox.phone && 'phone'].filter(Boolean);
  if (sandboxes.length === 0) return;
  throw new DomainError(
    'live_mode_unavailable',
    `Live mode is not available: the ${sandboxes.join(' and ')} provider${sandboxes.length > 1 ? 's are sandboxes' : ' is a sandbox'}, which move no money. Use a sk_test_ key.`,
  );
}
