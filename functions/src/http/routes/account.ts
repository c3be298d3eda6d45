import { getAuth } from 'firebase-admin/auth';
import type { Services } from '../../services';
import type { Router } from '../router';
import { authorize, signedInUser } from '../auth';
import { accountView } from '../../domain/account';
import { connectView, refreshConnectStatus, startOnboarding } from '../../domain/connect';
import { signUpMerchant, signupSchema } from '../../domain/signup';
import { parseOrThrow } from '../../domain/schemas';
import { adminApp } from '../../adapters/firestore';
import { jsonBody } from '../request';

/** `GET /account`: the merchant behind the key, its mode, and what it can offer in that mode. */
export function accountRoutes(router: Router<Services>): void {
  router
    .on('GET', '/account', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'account.read');
      return { status: 200, body: accountView(merchant, services.deployment) };
    })

    // Getting paid: the owner's connected Stripe account in the dashboard's mode. Reading it asks
    // Stripe afresh (the dashboard does so on return from onboarding, before the webhook may arrive).
    .on('GET', '/account/stripe', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'stripe.read');
      const available = services.deployment[merchant.mode].card === 'stripe';
      if (!available || !merchant.stripeConnect?.[merchant.mode]) return { status: 200, body: connectView(merchant, available) };
      return { status: 200, body: await refreshConnectStatus({ db: services.db, connect: services.providers(merchant.mode).connect }, merchant) };
    })

    // Starts or resumes Stripe's hosted onboarding: answers the Account Link to send the owner to.
    .on('POST', '/account/stripe/onboarding', async (request, _params, services) => {
      const { merchant } = await authorize(services, request, 'stripe.connect');
      const claims = await signedInUser(request);
      const providers = services.providers(merchant.mode);
      const link = await startOnboarding({ db: services.db, connect: providers.connect, publicBaseUrl: services.publicBaseUrl }, merchant, claims.email ?? null);
      return { status: 200, body: { object: 'stripe_onboarding_link', ...link } };
    })

    // The sign-up page, with the new user's ID token once the email is verified. Answers with
    // the test key and callback secret, shown once; not replayed by Idempotency-Key for that reason.
    .on('POST', '/signup', async (request, _params, services) => {
      const claims = await signedInUser(request);
      const input = parseOrThrow(signupSchema, jsonBody(request));
      const user = {
        uid: claims.uid,
        email: claims.email ?? '',
        emailVerified: claims.email_verified === true,
        merchantId: claims.merchantId,
        // An operator who signs up a shop of their own stays an operator.
        keepClaims: claims.operator === true ? { operator: true } : {},
      };
      return { status: 201, body: await signUpMerchant(services.db, getAuth(adminApp()), user, input) };
    });
}
