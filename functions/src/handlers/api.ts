import { onRequest } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions';
import { REGION } from '../region';
import { CARD_SECRETS, PHONE_SECRETS } from '../params';
import { getServices } from '../services';
import { apiRouter } from '../http/routes/index';
import { toProblem } from '../http/problem';
import type { ApiRequest } from '../http/request';
import { enforceRateLimit } from '../http/rateLimit';
import { DomainError } from '../domain/errors';

const API_BASE = '/api/v1';

/**
 * `/api/**` through Hosting: parse, route, answer JSON or problem+json. Hosting also sends here
 * every `/webhooks/…` path no webhook function claims, so those get a problem, not the app's HTML.
 */
export const api = onRequest({ region: REGION, secrets: [...CARD_SECRETS, ...PHONE_SECRETS], cors: false, memory: '256MiB', concurrency: 80 }, async (req, res) => {
  const underBase = req.path === API_BASE || req.path.startsWith(`${API_BASE}/`);
  const path = underBase ? req.path.slice(API_BASE.length) || '/' : req.path;
  const request: ApiRequest = {
    method: req.method,
    path,
    query: Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string')),
    headers: req.headers as Record<string, string | undefined>,
    rawBody: req.rawBody ?? Buffer.alloc(0),
  };
  try {
    if (!underBase) throw new DomainError('not_found', `Nothing is served at ${req.path.slice(0, 200)}; the API is under ${API_BASE}.`);
    const route = apiRouter.match(request);
    enforceRateLimit(request, route.params);
    const response = await route.run(getServices());
    res.status(response.status).set(response.headers ?? {});
    res.type('application/json').send(JSON.stringify(response.body));
  } catch (error) {
    const problem = toProblem(error);
    if (problem.status >= 500) logger.error('API error', { path, method: req.method, error: (error as Error).stack ?? String(error) });
    res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(problem.body));
  }
});
