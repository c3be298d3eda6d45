import { ref } from 'vue';
import { en, type MessageKey, type Messages } from './en';
import { nb } from './nb';

export type Locale = 'en' | 'nb';
export type { MessageKey, Messages };
export type Params = Readonly<Record<string, string | number>>;

export const LOCALES: readonly Locale[] = ['en', 'nb'];
const catalogs: Readonly<Record<Locale, Messages>> = { en, nb };
const STORAGE_KEY = 'smspay.locale';
/** The invoice's language, for the next pages of the same tab (the sandbox checkout). */
const SESSION_KEY = 'smspay.invoiceLocale';

/** Maps a BCP 47 tag ("nb-NO", "no", "nn", "en-US") to a supported locale, or null. */
export function resolveLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const lang = tag.toLowerCase().split(/[-_]/)[0];
  if (lang === 'nb' || lang === 'no' || lang === 'nn') return 'nb';
  if (lang === 'en') return 'en';
  return null;
}

function storedChoice(): Locale | null {
  try {
    return resolveLocale(globalThis.localStorage?.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function invoiceHint(): Locale | null {
  try {
    return resolveLocale(globalThis.sessionStorage?.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function deviceLocale(): Locale | null {
  if (typeof navigator === 'undefined') return null;
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const found = resolveLocale(tag);
    if (found) return found;
  }
  return null;
}

/** The active locale. Reactive: `t()` called in a template re-renders when it changes. */
export const locale = ref<Locale>(storedChoice() ?? invoiceHint() ?? deviceLocale() ?? 'en');

/** The Intl locale used for numbers and dates. */
export function intlLocale(l: Locale = locale.value): string {
  return l === 'nb' ? 'nb-NO' : 'en-GB';
}

export function setLocale(next: Locale, remember = false): void {
  locale.value = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  if (remember) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      /* private mode: not remembered */
    }
  }
}

/**
 * The language a pay page opens in: the payer's own choice on the page wins; then the
 * language the merchant gave for this payer (`payer.locale`); then the device's language;
 * then the invoice's (the merchant's default).
 */
export function applyInvoiceLocale(payerLocale: string | null | undefined, invoiceLocale: string | null | undefined): void {
  if (storedChoice()) return;
  const given = resolveLocale(payerLocale);
  try {
    if (given) globalThis.sessionStorage?.setItem(SESSION_KEY, given);
    else globalThis.sessionStorage?.removeItem(SESSION_KEY);
  } catch {
    /* private mode: the next page follows the device */
  }
  const next = given ?? deviceLocale() ?? resolveLocale(invoiceLocale);
  if (next && next !== locale.value) setLocale(next);
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match));
}

/** Translates `key` in the active locale (falls back to English), filling `{name}` params. */
export function t(key: MessageKey, params?: Params): string {
  return interpolate(catalogs[locale.value][key] ?? en[key], params);
}

/** Same as `t` but for a key computed at run time; unknown keys come back as `fallback`. */
export function tMaybe(key: string, fallback: string, params?: Params): string {
  const catalog = catalogs[locale.value] as Readonly<Record<string, string>>;
  const template = catalog[key] ?? (en as Readonly<Record<string, string>>)[key];
  return template === undefined ? fallback : interpolate(template, params);
}

/**
 * A page's own messages in both languages, imported by that page only, so they travel in its
 * lazy chunk: the pay page's entry chunk (the budget that counts on a slow phone) carries only
 * what the pay page shows.
 */
export function pageMessages<K extends string>(en: Readonly<Record<K, string>>, nb: Readonly<Record<K, string>>) {
  return (key: K, params?: Params): string => interpolate((locale.value === 'nb' ? nb : en)[key], params);
}
