import { interpolate, locale, type Params } from '../../i18n';

/** The sign-up page's messages (en, nb); the labels are the spec's English names. */
const en = {
  'su.title': 'Create your SMS Pay account',
  'su.businessName': 'Business name',
  'su.email': 'Email',
  'su.password': 'Password',
  'su.passwordHint': 'At least 8 characters.',
  'su.create': 'Create account',
  'su.creating': 'Creating your account…',
  'su.haveAccount': 'Already have an account? Sign in',
  'su.verifyTitle': 'Verify your email',
  'su.verifyBody': 'We sent a link to {email}. Open it, then sign in here to finish.',
  'su.signIn': 'Sign in',
  'su.notVerified': 'Your email is not verified yet. Open the link we sent you, then sign in again.',
  'su.doneTitle': 'Your account is ready (test mode)',
  'su.keyLabel': 'Your test API key (shown once; copy it now)',
  'su.secretLabel': 'Your callback signing secret',
  'su.sandbox': 'Test mode uses sandboxes: no money moves. Card 4242 4242 4242 4242 pays.',
  'su.checklist': 'First steps',
  'su.step.invoice': 'Send a test invoice to your own phone',
  'su.step.callback': 'Set a callback URL',
  'su.step.stripe': 'Connect Stripe',
  'su.step.live': 'Ask for live mode',
  'su.toDashboard': 'Go to your dashboard',
  'su.error.emailInUse': 'An account with this email already exists. Sign in instead.',
  'su.error.weakPassword': 'Choose a password of at least 8 characters.',
  'su.error.invalidEmail': 'Enter a valid email address.',
  'su.error.signIn': 'Email or password is not correct.',
  'su.error.other': 'Something went wrong: {message}',
} as const;

type Key = keyof typeof en;

const nb: Record<Key, string> = {
  'su.title': 'Opprett en SMS Pay-konto',
  'su.businessName': 'Firmanavn',
  'su.email': 'E-post',
  'su.password': 'Passord',
  'su.passwordHint': 'Minst 8 tegn.',
  'su.create': 'Opprett konto',
  'su.creating': 'Oppretter kontoen…',
  'su.haveAccount': 'Har du allerede en konto? Logg inn',
  'su.verifyTitle': 'Bekreft e-posten din',
  'su.verifyBody': 'Vi sendte en lenke til {email}. Åpne den, og logg inn her for å fullføre.',
  'su.signIn': 'Logg inn',
  'su.notVerified': 'E-posten er ikke bekreftet ennå. Åpne lenken vi sendte, og logg inn igjen.',
  'su.doneTitle': 'Kontoen er klar (testmodus)',
  'su.keyLabel': 'Din test-API-nøkkel (vises bare nå; kopier den)',
  'su.secretLabel': 'Hemmeligheten som signerer tilbakekall',
  'su.sandbox': 'Testmodus bruker sandkasser: ingen penger flyttes. Kort 4242 4242 4242 4242 betaler.',
  'su.checklist': 'Første steg',
  'su.step.invoice': 'Send en testfaktura til din egen telefon',
  'su.step.callback': 'Sett en URL for tilbakekall',
  'su.step.stripe': 'Koble til Stripe',
  'su.step.live': 'Be om live-modus',
  'su.toDashboard': 'Gå til dashbordet',
  'su.error.emailInUse': 'Det finnes allerede en konto med denne e-posten. Logg inn i stedet.',
  'su.error.weakPassword': 'Velg et passord på minst 8 tegn.',
  'su.error.invalidEmail': 'Skriv inn en gyldig e-postadresse.',
  'su.error.signIn': 'E-post eller passord er feil.',
  'su.error.other': 'Noe gikk galt: {message}',
};

export function st(key: Key, params?: Params): string {
  return interpolate((locale.value === 'nb' ? nb : en)[key], params);
}
