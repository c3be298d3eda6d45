import { describe, expect, it } from 'vitest';
import { Router } from './router';
import { DomainError } from '../domain/errors';
import { toProblem } from './problem';
import type { ApiRequest } from './request';

const request = (method: string, path: string): ApiRequest => ({ method, path, query: {}, headers: {}, rawBody: Buffer.alloc(0) });

const router = new Router<null>()
  .on('GET', '/invoices', async () => ({ status: 200, body: 'list' }))
  .on('POST', '/invoices', async () => ({ status: 201, body: 'created' }))
  .on('GET', '/invoices/:id', async (_r, { id }) => ({ status: 200, body: id }));

const refusal = (method: string, path: string) => {
  try {
    router.match(request(method, path));
  } catch (error) {
    return toProblem(error);
  }
  throw new Error(`${method} ${path} was routed`);
};

describe('Router', () => {
  it('answers a known path with another method 405 and Allow', () => {
    const problem = refusal('PUT', '/invoices');
    expect(problem.status).toBe(405);
    expect(problem.body.code).toBe('method_not_allowed');
    expect(problem.headers.Allow).toBe('GET, POST');
  });

  it('decodes path parameters, so every spelling names the same thing', async () => {
    expect((await router.handle(request('GET', '/invoices/%69nv_1'), null)).body).toBe('inv_1');
  });

  it.each(['%2F', 'a%2Fb', '__x__', '%5F%5Fx%5F%5F', '..', '%2E%2E', '.', 'a%00b', 'x'.repeat(257)])('refuses the id %s with a 404 before any handler', (id) => {
    expect(refusal('GET', `/invoices/${id}`).status).toBe(404);
  });

  it.each(['%E0%A4%A', '%ZZ', '%ED%A0%80'])('refuses invalid percent-encoding %s with a 400 naming the path', (id) => {
    const problem = refusal('GET', `/invoices/${id}`);
    expect(problem.status).toBe(400);
    expect(problem.body.errors?.[0]?.field).toBe('(path).id');
  });

  it('answers an unknown path 404', () => {
    expect(refusal('GET', '/nope').status).toBe(404);
  });
});

describe('toProblem', () => {
  it('names the Bearer scheme on every 401', () => {
    expect(toProblem(new DomainError('unauthorized', 'no key')).headers['WWW-Authenticate']).toMatch(/^Bearer\b/);
  });
});
