import { defineStore } from 'pinia';
import { ref } from 'vue';
import { getIdTokenResult, onAuthStateChanged, sendPasswordResetEmail, signInWithEmailAndPassword, signOut as fbSignOut, type User } from 'firebase/auth';
import { firebase } from '../firebase';
import { asyncState } from '../../core/state';
import { mt } from '../i18n';
import type { MerchantUser } from '../types';

function messageFor(error: unknown): string {
  const code = (error as { code?: string } | null)?.code ?? '';
  switch (code) {
    case 'auth/invalid-credential':
    case 'auth/wrong-password':
    case 'auth/user-not-found':
    case 'auth/invalid-email':
    case 'auth/missing-password':
      return mt('m.signIn.failed');
    case 'auth/too-many-requests':
      return mt('m.signIn.tooMany');
    case 'auth/network-request-failed':
      return mt('m.signIn.network');
    default:
      return mt('m.signIn.error', { message: error instanceof Error ? error.message : String(error) });
  }
}

async function toMerchantUser(user: User): Promise<MerchantUser | null> {
  let { claims } = await getIdTokenResult(user);
  if (typeof claims.merchantId !== 'string') ({ claims } = await getIdTokenResult(user, true));
  if (typeof claims.merchantId !== 'string') return null;
  return {
    uid: user.uid,
    email: user.email,
    merchantId: claims.merchantId,
    role: claims.role === 'owner' ? 'owner' : 'staff',
  };
}

/** The signed-in merchant user (Firebase Auth, email and password; claims merchantId and role). */
export const useSessionStore = defineStore('merchantSession', () => {
  const user = asyncState<MerchantUser, string>();
  /** False until Firebase has told us whether someone is signed in. */
  const ready = ref(false);
  let started = false;

  function init(): void {
    if (started) return;
    started = true;
    user.pending = true;
    onAuthStateChanged(firebase().auth, (fbUser) => {
      void (async () => {
        try {
          if (!fbUser) {
            user.data = null;
            return;
          }
          const merchantUser = await toMerchantUser(fbUser);
          if (!merchantUser) {
            user.data = null;
            user.error = mt('m.signIn.noMerchant');
            await fbSignOut(firebase().auth);
            return;
          }
          user.data = merchantUser;
          user.error = null;
        } catch (error) {
          user.data = null;
          user.error = messageFor(error);
        } finally {
          user.pending = false;
          ready.value = true;
        }
      })();
    });
  }

  async function signIn(email: string, password: string): Promise<void> {
    user.pending = true;
    user.error = null;
    try {
      await signInWithEmailAndPassword(firebase().auth, email.trim(), password);
      // onAuthStateChanged fills `user.data` and clears `pending`.
    } catch (error) {
      user.error = messageFor(error);
      user.pending = false;
    }
  }

  async function signOut(): Promise<void> {
    await fbSignOut(firebase().auth);
  }

  /**
   * Sends Firebase's password reset email (the Auth emulator logs the link instead). Unknown
   * addresses get the same answer, so the form does not reveal who has an account.
   */
  async function resetPassword(email: string): Promise<'sent' | 'invalid' | 'error'> {
    try {
      await sendPasswordResetEmail(firebase().auth, email.trim(), { url: `${location.origin}/merchant` });
      return 'sent';
    } catch (error) {
      const code = (error as { code?: string } | null)?.code ?? '';
      if (code === 'auth/user-not-found') return 'sent';
      if (code === 'auth/invalid-email' || code === 'auth/missing-email') return 'invalid';
      return 'error';
    }
  }

  const isOwner = () => user.data?.role === 'owner';

  return { user, ready, init, signIn, signOut, resetPassword, isOwner };
});
