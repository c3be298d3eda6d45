import { computed, ref } from 'vue';

export type Mode = 'test' | 'live';

/**
 * The dashboard's "Test mode" switch, kept per browser like Stripe's. Every dashboard API call
 * sends it as `X-Mode` and every Firestore query filters on it, so one mode shows at a time.
 */
const STORAGE_KEY = 'smspay.dashboardMode';

function stored(): Mode {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'live' ? 'live' : 'test';
  } catch {
    return 'test';
  }
}

const chosen = ref<Mode>(stored());

/** Whether an operator activated live mode (the merchant document, live); null until known. */
export const liveActivated = ref<boolean | null>(null);

/** Whether a connected Stripe account of the merchant can take card payments, in either mode (the same document). */
export const stripeConnected = ref<boolean | null>(null);

/**
 * The mode shown. A stored live choice holds while the merchant document loads (so a live
 * session does not flash test data), and gives way to test once live turns out not activated.
 */
export const dashboardMode = computed<Mode>(() => (chosen.value === 'live' && liveActivated.value !== false ? 'live' : 'test'));

/** Chooses a mode; live only once it is activated. Answers whether the choice was taken. */
export function chooseMode(mode: Mode): boolean {
  if (mode === 'live' && liveActivated.value !== true) return false;
  chosen.value = mode;
  try {
    localStorage.setItem(STORAGE_KEY, mode);
  } catch {
    // Private windows may refuse storage: the choice then lasts for this page only.
  }
  return true;
}
