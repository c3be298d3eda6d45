import { interpolate, locale, type Params } from '../i18n';

/** The operators' console messages (en, nb); this folder is never reached from payer pages. */
const en = {
  'op.title': 'Platform operators',
  'op.signIn': 'Sign in',
  'op.signOut': 'Sign out',
  'op.email': 'Email',
  'op.password': 'Password',
  'op.notOperator': 'This account is not a platform operator. Operators are made with `npm run operator -- grant EMAIL`.',
  'op.signInFailed': 'Email or password is not correct.',
  'op.merchants': 'Merchants',
  'op.name': 'Merchant',
  'op.mode': 'Mode',
  'op.status': 'Status',
  'op.volume': 'Paid, last 30 days',
  'op.actions': 'Actions',
  'op.live': 'Live activated',
  'op.testOnly': 'Test only',
  'op.active': 'Active',
  'op.suspended': 'Suspended',
  'op.none': 'None',
  'op.activate': 'Activate live mode for {name}',
  'op.suspend': 'Suspend {name}',
  'op.reinstate': 'Reinstate {name}',
  'op.log': 'Operator log',
  'op.logEntry': '{at}: {who} — {action} — {merchant}',
  'op.action.live_activated': 'activated live mode',
  'op.action.suspended': 'suspended',
  'op.action.reinstated': 'reinstated',
  'op.action.platform_fee_set': 'set the platform fee',
  'op.loading': 'Loading…',
  'op.error': 'Something went wrong: {message}',
} as const;

type Key = keyof typeof en;

const nb: Record<Key, string> = {
  'op.title': 'Plattformoperatører',
  'op.signIn': 'Logg inn',
  'op.signOut': 'Logg ut',
  'op.email': 'E-post',
  'op.password': 'Passord',
  'op.notOperator': 'Denne kontoen er ikke plattformoperatør. Operatører opprettes med `npm run operator -- grant EPOST`.',
  'op.signInFailed': 'E-post eller passord er feil.',
  'op.merchants': 'Brukersteder',
  'op.name': 'Brukersted',
  'op.mode': 'Modus',
  'op.status': 'Status',
  'op.volume': 'Betalt siste 30 dager',
  'op.actions': 'Handlinger',
  'op.live': 'Live aktivert',
  'op.testOnly': 'Kun test',
  'op.active': 'Aktiv',
  'op.suspended': 'Suspendert',
  'op.none': 'Ingen',
  'op.activate': 'Aktiver live-modus for {name}',
  'op.suspend': 'Suspender {name}',
  'op.reinstate': 'Gjeninnsett {name}',
  'op.log': 'Operatørlogg',
  'op.logEntry': '{at}: {who} — {action} — {merchant}',
  'op.action.live_activated': 'aktiverte live-modus',
  'op.action.suspended': 'suspenderte',
  'op.action.reinstated': 'gjeninnsatte',
  'op.action.platform_fee_set': 'satte plattformgebyret',
  'op.loading': 'Laster…',
  'op.error': 'Noe gikk galt: {message}',
};

export function ot(key: Key, params?: Params): string {
  return interpolate((locale.value === 'nb' ? nb : en)[key], params);
}
