/** WCAG 2.x colour contrast for the merchant's accent colour. */

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex);
  if (!m || !m[1]) return null;
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

function luminance([r, g, b]: Rgb): number {
  const channel = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The contrast ratio of two hex colours (1 to 21), or null if either is not hex. */
export function contrastRatio(a: string, b: string): number | null {
  const x = parseHex(a);
  const y = parseHex(b);
  if (!x || !y) return null;
  const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** WCAG AA for normal text. */
export const AA_TEXT = 4.5;

/**
 * The merchant's accent, made safe to use as a button colour under white text and as text or
 * an icon on the white page: darkened just enough to reach 4.5:1 against white (AA). A colour
 * that already passes is kept as given. Null when the colour is not hex (the default is used).
 */
export function accessibleAccent(color: string | null | undefined): string | null {
  const rgb = color ? parseHex(color) : null;
  if (!rgb) return null;
  for (let step = 0; step <= 20; step++) {
    const shade = rgb.map((c) => c * (1 - step / 20)) as Rgb;
    const hex = toHex(shade);
    if ((contrastRatio(hex, '#ffffff') ?? 0) >= AA_TEXT) return hex;
  }
  return '#000000';
}

/** Black or white text for a hex background, whichever contrasts more. */
export function readableTextOn(hex: string): string | null {
  const rgb = parseHex(hex);
  if (!rgb) return null;
  const lum = luminance(rgb);
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? '#ffffff' : '#111827';
}
