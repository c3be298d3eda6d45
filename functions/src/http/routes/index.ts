import type { Services } from '../../services';
import { Router } from '../router';
import { invoiceRoutes } from './invoices';
import { payRoutes } from './pay';
import { sandboxRoutes } from './sandbox';
import { devRoutes } from './dev';
import { transactionRoutes } from './transactions';
import { eventRoutes } from './events';
import { consoleRoutes } from './console';
import { accountRoutes } from './account';
import { operatorRoutes } from './operator';
import { openApiDocument } from '../openapi';

/** Every `/api/v1` route: each parses, authenticates and hands over to the domain. */
export const apiRouter = new Router<Services>().on('GET', '/health', async () => ({ status: 200, body: { status: 'ok' } }));
invoiceRoutes(apiRouter);
payRoutes(apiRouter);
sandboxRoutes(apiRouter);
devRoutes(apiRouter);
transactionRoutes(apiRouter);
eventRoutes(apiRouter);
consoleRoutes(apiRouter);
accountRoutes(apiRouter);
operatorRoutes(apiRouter);
apiRouter.on('GET', '/openapi.json', async (_request, _params, services) => ({ status: 200, body: openApiDocument(services.publicBaseUrl) }));
