import { onSnapshot, type DocumentReference, type FirestoreError, type Query } from 'firebase/firestore';
import type { AsyncState } from '../core/state';
import { noteServerAnswer } from '../core/api';
import { mt } from './i18n';

export type Unsubscribe = () => void;

function describe(error: FirestoreError): string {
  return mt('m.loadError', { message: error.message });
}

/** Streams a query into `state` ({ data, pending, error }) until the returned function is called. */
export function streamQuery<T>(state: AsyncState<T[], string>, query: Query<T>): Unsubscribe {
  state.pending = true;
  state.error = null;
  return onSnapshot(
    query,
    (snapshot) => {
      // The server answered: whatever navigator.onLine says, the offline banner goes.
      if (!snapshot.metadata.fromCache) noteServerAnswer();
      state.data = snapshot.docs.map((doc) => doc.data());
      state.pending = false;
      state.error = null;
    },
    (error) => {
      state.pending = false;
      state.error = describe(error);
    },
  );
}

/** Streams one document; `data` becomes null when it does not exist. */
export function streamDoc<T>(state: AsyncState<T, string>, ref: DocumentReference<T>): Unsubscribe {
  state.pending = true;
  state.error = null;
  return onSnapshot(
    ref,
    (snapshot) => {
      if (!snapshot.metadata.fromCache) noteServerAnswer();
      state.data = snapshot.exists() ? snapshot.data() : null;
      state.pending = false;
      state.error = null;
    },
    (error) => {
      state.pending = false;
      state.error = describe(error);
    },
  );
}
