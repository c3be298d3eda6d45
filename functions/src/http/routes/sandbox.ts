import type { Services } from '../../services';
import type { Router } from '../router';
import { jsonBody } from '../request';
import { DomainError, notFound } from '../../domain/errors';
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
      const result = await paySandboxSession(
        services.db,
        async (body, signature) => {
          const response = await fetch(`${services.publicBaseUrl}/webhooks/stripe`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'stripe-signature': signature },
            body,
          });
          if (!response.ok) throw new DomainError('provider_error', `Our webhook answered ${response.status}.`);
        },
        id!,
        cardNumber,
      );
      return { status: 200, body: result };
    });
}
