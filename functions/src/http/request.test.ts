import { describe, expect, it } from 'vitest';
import { jsonBody, malformedUnicodeFields, type ApiRequest } from './request';
import { DomainError } from '../domain/errors';

const withBody = (raw: string): ApiRequest => ({ method: 'POST', path: '/x', query: {}, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(raw) });

describe('malformedUnicodeFields', () => {
  it('finds lone surrogates in values and keys at any depth, and passes pairs', () => {
    const parsed = JSON.parse('{"a":"ok \\ud83d\\ude00","b":{"c":["x","\\ud800"]},"d":{"k\\udfff":1},"e":"\\udc00"}') as unknown;
    expect(malformedUnicodeFields(parsed).map((e) => e.field)).toEqual(['b.c.1', 'd', 'e']);
    expect(malformedUnicodeFields({ emoji: '😀', nb: 'blåbær' })).toEqual([]);
  });
});

describe('jsonBody', () => {
  it('refuses a lone surrogate with a 400 naming the field', () => {
    try {
      jsonBody(withBody('{"description":"Pizza \\ud800"}'));
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe('invalid_request');
      expect((error as DomainError).options.errors).toEqual([{ field: 'description', code: 'invalid_unicode', message: expect.any(String) }]);
    }
  });

  it('refuses a body over the limit as payload_too_large', () => {
    expect(() => jsonBody(withBody(JSON.stringify({ a: 'x'.repeat(2000) })), 1000)).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
  });
});
