import { describe, expect, it } from 'vitest';
import { failureText } from './serverMessages';
import { setLocale } from './index';

describe('failure texts', () => {
  it('never call an attempt the sweeper ended before the provider a decline', () => {
    setLocale('en');
    expect(failureText('not_started', 'card')).toBe('The payment was not completed.');
    expect(failureText('not_started', 'phone')).toBe('The payment was not completed.');
    expect(failureText('card_declined', 'card')).toBe('Your card was declined.');
  });
});
