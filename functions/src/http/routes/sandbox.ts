import type { Services } from '../../services';
import type { Router } from '../router';
import { jsonBody } from '../request';
import { notFound } from '../../domain/errors';
import { receiveCardWebhook } from '../../domain/cardWebhook';
import { parseOrThrow, sandboxPaySchema } from '../../domain/schemas';
import { getSandboxSession, paySandboxSession } from '../../domain/sandboxCheckout';

/** The sandbox card checkout's page API; absent unless test mode's card provider is the sandbox. */
export function sandboxRoutes(router: Router<Services>): void {
  router
    .on('GET', '/sandbox/checkout/:id', async (_request, { id }, services) => {
      if (services.deployment.test.card !== 'sandbox') throw notFound('Checkout session');
      return { status: 200, body: await getSandboxSession(services.db, id!) };
    })

    .on('POST', '/sandbox/checkout/:id/pay', async (request, { id }, services) => {
      if (services.deployment.test.card !== 'sandbox') throw notFound('Checkout session');
      const { cardNumber } = parseOrThrow(sandboxPaySchema, jsonBody(request));
      // The signed event goes through the webhook's own verify-then-apply code, in this process:
      // no second function invocation, no HTTP call to our own public URL.
      const result = await paySandboxSession(services.db, (body, signature) => receiveCardWebhook(services, Buffer.from(body), signature).then(() => undefined), id!, cardNumber);
      return { status: 200, body: result };
    });
}
