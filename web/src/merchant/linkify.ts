export type Part = { text: string; href?: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;

/** Splits text into plain parts and http(s) links, for safe rendering without v-html. */
export function linkify(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    // Trailing punctuation usually ends the sentence, not the URL.
    const trimmed = url.replace(/[.,;:!?)]+$/, '');
    url = trimmed;
    const start = match.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
