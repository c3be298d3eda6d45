import { defineSingleton } from './singleton';
import { ref } from 'vue';
import { ApiError, apiFetch } from '../core/api';
import { asyncState } from '../core/state';

export interface SandboxSession {
  id: string;
  status: 'open' | 'complete' | 'expired';
  amount: number;
  currency: string;
  description: string;
  merchantName: string;
  successUrl: string;
  cancelUrl: string;
}

export interface SandboxPayResult {
  status: string;
  redirectUrl: string;
}

const base = (id: string) => `/api/v1/sandbox/checkout/${encodeURIComponent(id)}`;

/** The local sandbox card checkout (CARD_PROVIDER=sandbox). No money moves. */
export const useSandboxCheckoutStore = defineSingleton(() => {
  const sessionId = ref<string | null>(null);
  const session = asyncState<SandboxSession>();
  const payment = asyncState<SandboxPayResult>();

  async function load(id: string): Promise<void> {
    if (sessionId.value !== id) {
      sessionId.value = id;
      session.data = null;
      payment.data = null;
      payment.error = null;
    }
    session.pending = true;
    session.error = null;
    try {
      session.data = await apiFetch<SandboxSession>(base(id));
    } catch (error) {
      session.error = error instanceof ApiError ? error : new ApiError(0, null);
    } finally {
      session.pending = false;
    }
  }

  async function pay(cardNumber: string): Promise<SandboxPayResult | null> {
    if (!sessionId.value || payment.pending) return null;
    payment.pending = true;
    payment.error = null;
    try {
      const result = await apiFetch<SandboxPayResult>(`${base(sessionId.value)}/pay`, {
        method: 'POST',
        body: { cardNumber: cardNumber.replace(/[\s-]/g, '') },
      });
      payment.data = result;
      return result;
    } catch (error) {
      payment.error = error instanceof ApiError ? error : new ApiError(0, null);
      return null;
    } finally {
      payment.pending = false;
    }
  }

  return { sessionId, session, payment, load, pay };
});
