/**
 * Stripe's public test cards that the sandbox checkout knows (any other number is refused), with
 * what Stripe reports for them: the outcome, and the card's brand and issuing country. Pure, so
 * the request schema (and through it the OpenAPI document) can name exactly these numbers.
 */
export type TestCard = { brand: 'visa' | 'mastercard'; country: string } & ({ outcome: 'succeeded' } | { outcome: 'declined'; code: string; message: string });

export const SANDBOX_TEST_CARDS: Record<string, TestCard> = {
  '4242424242424242': { outcome: 'succeeded', brand: 'visa', country: 'US' },
  '5555555555554444': { outcome: 'succeeded', brand: 'mastercard', country: 'US' },
  '4000000000000002': { outcome: 'declined', brand: 'visa', country: 'US', code: 'card_declined', message: 'Your card was declined.' },
  '4000000000009995': { outcome: 'declined', brand: 'visa', country: 'US', code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
};

/** A card number as typed: the digits, with any spaces and hyphens between them. */
export const testCardNumberPattern = (): string =>
  `^[\\s-]*(${Object.keys(SANDBOX_TEST_CARDS)
    .map((digits) => digits.split('').join('[\\s-]*'))
    .join('|')})[\\s-]*$`;
