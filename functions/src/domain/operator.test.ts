import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import { parseOrThrow } from './schemas';
import { strexSettingsSchema } from './operator';

const fieldErrors = (body: unknown) => {
  try {
    parseOrThrow(strexSettingsSchema, body);
  } catch (error) {
    return (error as DomainError).options.errors?.map((e) => [e.field, e.code]);
  }
  return [];
};

describe('strexSettingsSchema', () => {
  it('takes a Strex merchant id (letters, digits, - and _, up to 64) and a numeric service code', () => {
    expect(parseOrThrow(strexSettingsSchema, { merchantId: ' shop-42_NO ', serviceCode: '14002' })).toEqual({ merchantId: 'shop-42_NO', serviceCode: '14002' });
    expect(fieldErrors({ merchantId: 'a'.repeat(64), serviceCode: '1' })).toEqual([]);
  });

  it('names each bad field with a code', () => {
    expect(fieldErrors({})).toEqual([
      ['merchantId', 'required'],
      ['serviceCode', 'required'],
    ]);
    expect(fieldErrors({ merchantId: '', serviceCode: '14 002' })).toEqual([
      ['merchantId', 'too_small'],
      ['serviceCode', 'invalid_format'],
    ]);
    expect(fieldErrors({ merchantId: 'a'.repeat(65), serviceCode: 14002 })).toEqual([
      ['merchantId', 'too_big'],
      ['serviceCode', 'invalid_type'],
    ]);
    expect(fieldErrors({ merchantId: 'shop 42', serviceCode: '1'.repeat(17), extra: 1 })).toEqual([
      ['merchantId', 'invalid_format'],
      ['serviceCode', 'too_big'],
      ['extra', 'unknown_field'],
    ]);
  });
});
