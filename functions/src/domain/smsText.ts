import { DomainError } from './errors';

const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentInfo {
  encoding: SmsEncoding;
  segments: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
}

/**
 * Encoding and segment count as a handset network will bill them (3GPP TS 23.038 / 23.040):
 * GSM-7 fits 160 septets in one SMS and 153 per part of a concatenated one, extension-table
 * characters take two septets and never straddle parts; anything else forces UCS-2 at 70 / 67
 * code units, where a surrogate pair never straddles parts.
 */
export function measureSms(text: string): SmsSegmentInfo {
  const chars = Array.from(text);
  if (chars.every((c) => BASIC.has(c) || EXTENSION.has(c))) {
    const sizes = chars.map((c) => (EXTENSION.has(c) ? 2 : 1));
    return { encoding: 'GSM-7', ...pack(sizes, 160, 153) };
  }
  return {
    encoding: 'UCS-2',
    ...pack(
      chars.map((c) => c.length),
      70,
      67,
    ),
  };
}

function pack(sizes: number[], single: number, multi: number): { segments: number; units: number } {
  const units = sizes.reduce((a, b) => a + b, 0);
  if (units === 0) return { segments: 1, units };
  if (units <= single) return { segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { segments, units };
}

/** Spec: a rendered SMS is at most 10 segments; a longer one would cost the merchant 10× or more. */
export const MAX_SMS_SEGMENTS = 10;

/** Throws a 400 naming `sms.text` when the rendered text would take more than 10 segments. */
export function assertSmsFits(text: string): SmsSegmentInfo {
  const measured = measureSms(text);
  if (measured.segments > MAX_SMS_SEGMENTS) {
    const message = `With its values filled in, the SMS takes ${measured.segments} ${measured.encoding} segments; at most ${MAX_SMS_SEGMENTS} are allowed.`;
    throw new DomainError('invalid_request', message, { errors: [{ field: 'sms.text', code: 'too_big', maximum: MAX_SMS_SEGMENTS, unit: 'segments', message }] });
  }
  return measured;
}

export const DEFAULT_TEMPLATES: Record<'en' | 'nb', string> = {
  en: '{merchant} requests {amount} for {description}. Pay here: {link}',
  nb: '{merchant} ber om {amount} for {description}. Betal her: {link}',
};

export const TEMPLATE_PLACEHOLDERS = ['merchant', 'amount', 'description', 'link'] as const;

export function renderTemplate(template: string, values: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>): string {
  return template.replace(/\{(merchant|amount|description|link)\}/g, (_, key: keyof typeof values) => values[key]);
}

/** Intl puts no-break spaces in amounts; they are not in GSM-7 and would double the SMS price. */
export const smsSafe = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');
