import { reactive, type UnwrapNestedRefs } from 'vue';

/**
 * A store for the payer's pages: one reactive object made on first use. Like a Pinia setup
 * store without Pinia, whose 3 KB the pay page does not carry (only the dashboard loads Pinia).
 */
const resets = new Set<() => void>();

export function defineSingleton<T extends object>(setup: () => T): () => UnwrapNestedRefs<T> {
  let instance: UnwrapNestedRefs<T> | null = null;
  resets.add(() => (instance = null));
  return () => (instance ??= reactive(setup()));
}

/** Forgets every store (tests start each case from a fresh one). */
export function resetSingletons(): void {
  for (const reset of resets) reset();
}
