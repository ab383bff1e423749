/**
 * Splits message text into plain-text and link segments. Pure and DOM-free: the
 * renderer turns segments into React text nodes and <a> elements, so nothing a
 * sender types is ever parsed as HTML. Only http, https and mailto links are made;
 * anything else (javascript:, data:, vbscript:...) stays plain text.
 */

export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// URLs with a scheme, bare www. hosts, and e-mail addresses. Deliberately narrow.
const CANDIDATE =
  /\b(?:https?:\/\/|www\.)[^\s<>"'`]+|\bmailto:[^\s<>"'`]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi;
const TRAILING = /[.,;:!?'"*_~]+$/;
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Drops punctuation that ends a sentence rather than the URL, and an unbalanced closing bracket. */
function trimCandidate(raw: string): string {
  let text = raw;
  for (;;) {
    const before = text;
    text = text.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      if (text.endsWith(close) && text.split(open).length < text.split(close).length) text = text.slice(0, -1);
    }
    if (text === before) return text;
  }
}

/** The href for a candidate, or undefined when it is not a safe, well-formed link. */
export function safeHref(text: string): string | undefined {
  let candidate = text;
  if (/^www\./i.test(candidate)) candidate = `https://${candidate}`;
  else if (!/^(?:https?:|mailto:)/i.test(candidate) && candidate.includes('@')) candidate = `mailto:${candidate}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return undefined;
  if (url.protocol !== 'mailto:' && url.hostname === '') return undefined;
  return url.href;
}

/** Text and link segments, in order; joining their `text` gives back the input exactly. */
export function linkify(input: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  const pushText = (text: string) => {
    if (text === '') return;
    const prev = segments[segments.length - 1];
    if (prev?.kind === 'text') prev.text += text;
    else segments.push({ kind: 'text', text });
  };
  for (const match of input.matchAll(CANDIDATE)) {
    const start = match.index;
    const text = trimCandidate(match[0]);
    const href = text === '' ? undefined : safeHref(text);
    if (href === undefined) continue;
    pushText(input.slice(last, start));
    segments.push({ kind: 'link', text, href });
    last = start + text.length;
  }
  pushText(input.slice(last));
  return segments;
}
