import { toString } from 'qrcode';

/**
 * Loaded with a dynamic import so the QR encoder becomes its own `merchant-qr` chunk (the
 * file name starts with `merchant-`, which keeps it out of the payer precache; see vite.config.ts).
 */
export function qrSvg(value: string): Promise<string> {
  return toString(value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}
