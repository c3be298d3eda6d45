import { z } from 'zod';
import type { Services } from '../../services';
import type { Router } from '../router';
import { jsonBody } from '../request';
import { assertTokenPayable, loadMerchant } from '../../domain/merchants';
import type { MerchantDoc } from '../../domain/types';
import { parseOrThrow, startPaymentSchema } from '../../domain/schemas';
import { cancelledCheckoutDestination, startPayment, viewPayment } from '../../domain/pay';
import { verifyPhonePayment } from '../../domain/phonePay';

export const verifyPinSchema = z.strictObject({ pin: z.string({ error: 'Enter the 6 digits from the SMS.' }).max(20) });

const BRANDING_TTL_MS = 60_000;
const brandingCache = new Map<string, { at: number; merchant: Promise<MerchantDoc> }>();

/** The merchant's name and branding, kept a minute per instance: the receipt page polls every 2 s. */
function brandingOf(services: Services, merchantId: string): Promise<MerchantDoc> {
  const cached = brandingCache.get(merchantId);
  if (cached && Date.now() - cached.at < BRANDING_TTL_MS) return cached.merchant;
  const merchant = loadMerchant(services.db, merchantId);
  brandingCache.set(merchantId, { at: Date.now(), merchant });
  merchant.catch(() => brandingCache.delete(merchantId));
  return merchant;
}

/** The payer's endpoints: no key, scoped by the pay token. */
export function payRoutes(router: Router<Services>): void {
  router
    .on('GET', '/pay/:token', async (_request, { token }, services) => ({
      status: 200,
      body: await viewPayment(services.db, token!, (id) => brandingOf(services, id), services.deployment),
      headers: { 'Cache-Control': 'no-store' },
    }))

    .on('GET', '/pay/:token/checkout-cancelled', async (_request, { token }, services) => ({
      status: 303,
      body: null,
      headers: { Location: await cancelledCheckoutDestination(services.db, token!, services.publicBaseUrl), 'Cache-Control': 'no-store' },
    }))

    .on('POST', '/pay/:token/transactions', async (request, { token }, services) => {
      const { method, locale } = parseOrThrow(startPaymentSchema, jsonBody(request));
      return { status: 201, body: await startPayment(services, { token: token! }, method, { payerLocale: locale }) };
    })

    .on('POST', '/pay/:token/transactions/:id/verify', async (request, { token, id }, services) => {
      const { pin } = parseOrThrow(verifyPinSchema, jsonBody(request));
      await assertTokenPayable(services.db, token!);
      return { status: 200, body: await verifyPhonePayment(services, { token: token! }, id!, pin.trim()) };
    });
}
