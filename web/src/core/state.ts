import { reactive } from 'vue';
import type { ApiError } from './api';

/** The shape of every piece of UI state that comes from the network. */
export interface AsyncState<T, E = ApiError> {
  data: T | null;
  pending: boolean;
  error: E | null;
}

export function asyncState<T, E = ApiError>(data: T | null = null): AsyncState<T, E> {
  return reactive({ data, pending: false, error: null }) as AsyncState<T, E>;
}
