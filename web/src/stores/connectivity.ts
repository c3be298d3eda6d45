import { defineSingleton } from './singleton';
import { ref } from 'vue';
import { onReachability } from '../core/api';

/**
 * Whether to show the "You are offline" banner. `navigator.onLine` is only a hint (it can say
 * offline on a network that works, and online behind a dead one), so the last evidence wins:
 * the browser's online/offline events, or a request that the server answered (online) or
 * that got no answer (offline).
 */
export const useConnectivityStore = defineSingleton(() => {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => (online.value = true));
    window.addEventListener('offline', () => (online.value = false));
  }
  onReachability((reached) => (online.value = reached));
  return { online };
});
