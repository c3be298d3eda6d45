import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Whether the browser thinks it is online (drives the "You are offline" banner). */
export const useConnectivityStore = defineStore('connectivity', () => {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => (online.value = true));
    window.addEventListener('offline', () => (online.value = false));
  }
  return { online };
});
