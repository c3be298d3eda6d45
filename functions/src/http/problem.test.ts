import { describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorCode } from '../domain/errors';
import { PROBLEM_CODES, openApiDocument } from './openapi';
import { toProblem } from './problem';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The code -> HTTP status table as the spec and HTTP semantics require it, written out here on
 * its own (not imported), so a code mapped wrongly in problem.ts fails this test. Typed as a
 * Record over the code union: a new code with no row here fails the typecheck.
 */
const EXPECTED: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  card_declined: 402,
  payment_declined: 402,
  forbidden: 403,
  live_mode_unavailable: 403,
  merchant_suspended: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  invalid_state: 409,
  idempotency_conflict: 409,
  rate_limited: 429,
  provider_error: 502,
};

const CODES = Object.keys(EXPECTED) as DomainErrorCode[];

describe('DomainError code -> HTTP status (http/problem.ts, the one table)', () => {
  it.each(CODES)('%s answers its status, in the status line and the problem body', (code) => {
    const problem = toProblem(new DomainError(code, 'Nope.'));
    expect(problem.status).toBe(EXPECTED[code]);
    expect(problem.body).toMatchObject({ status: EXPECTED[code], code, detail: 'Nope.', type: `https://docs.smspay.dev/errors/${code}` });
    expect(problem.body.title).toEqual(expect.any(String));
  });

  it('knows every code the OpenAPI document lists, and no other', () => {
    expect([...PROBLEM_CODES].sort()).toEqual([...CODES].sort());
  });

  it('answers a 5xx only for a provider failure: bad input is never a 5xx', () => {
    expect(CODES.filter((code) => toProblem(new DomainError(code, '')).status >= 500)).toEqual(['provider_error']);
    expect(toProblem(new Error('boom'))).toMatchObject({ status: 500, body: { code: 'internal_error' } });
  });

  it('sends the headers that go with the status: WWW-Authenticate on 401, Retry-After on 429, Allow on 405', () => {
    expect(toProblem(new DomainError('unauthorized', '')).headers['WWW-Authenticate']).toMatch(/^Bearer\b/);
    expect(toProblem(new DomainError('rate_limited', '', { retryAfterSeconds: 2.2 })).headers['Retry-After']).toBe('3');
    expect(toProblem(new DomainError('method_not_allowed', '', { allowedMethods: ['GET', 'POST'] })).headers.Allow).toBe('GET, POST');
  });

  it('names each code under the documented error response of its status', () => {
    const responses = (openApiDocument('https://pay.example.com') as Json).components.responses as Json;
    for (const code of CODES) {
      const status = EXPECTED[code];
      if (status === 405) continue; // a method the path does not serve: there is no operation to document it under
      const documented = Object.values(responses).filter((r) => (r.description as string).includes(`\`${code}\``));
      expect(documented, code).toHaveLength(1);
      const byStatus = Object.entries(responses).find(([, r]) => r === documented[0])![0];
      expect({ code, response: byStatus }).toEqual({ code, response: RESPONSE_NAME[status] });
    }
  });
});

const RESPONSE_NAME: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  402: 'PaymentDeclined',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  502: 'ProviderError',
};
