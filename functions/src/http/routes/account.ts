import { getAuth } from 'firebase-admin/auth';
import type { Services } from '../../services';
import type { Router } from '../router';
import { authorize, signedInUser } from '../auth';
import { accountView } from '../../domain/account';
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
