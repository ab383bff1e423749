/**
 * A safe subset of Markdown, parsed into a small tree that the renderer turns into
 * React elements (never HTML): fenced code blocks, block quotes, and inline bold,
 * italic, strike-through, code, links (the linkify rules: http, https and mailto
 * only), @mentions and `:shortcode:` emoji. Anything else stays plain text, and
 * every character of the input is shown (markers that do not pair stay visible, and a
 * marker right after a backslash opens nothing, for the shrug ¯\_(ツ)_/¯).
 */
import { replaceShortcodes } from './emoji';
import { linkify } from './linkify';

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'link'; text: string; href: string }
  | { t: 'mention'; username: string }
  | { t: 'bold' | 'italic' | 'strike'; children: Inline[] };

export type Block = { t: 'para'; children: Inline[] } | { t: 'code'; text: string } | { t: 'quote'; children: Block[] };

const FENCE = /^ {0,3}```/;
const QUOTE = /^ {0,3}> ?/;
const MENTION = /(^|[^A-Za-z0-9_.@-])@([a-z0-9][a-z0-9_.-]{0,31})/gi;
const MAX_DEPTH = 4;

/** Splits text into blocks: ``` fences, `>` quote runs, and paragraphs (which keep their line breaks). */
export function parseMarkdown(input: string, depth = 0): Block[] {
  const lines = input.split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length === 0) return;
    const text = para.join('\n');
    if (text.trim() !== '') blocks.push({ t: 'para', children: parseInline(text.replace(/^\n+|\n+$/g, '')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      const end = lines.findIndex((l, j) => j > i && /^ {0,3}```\s*$/.test(l));
      if (end !== -1) {
        flush();
        // The info string after the opening fence (a language name) is not shown.
        blocks.push({ t: 'code', text: lines.slice(i + 1, end).join('\n') });
        i = end;
        continue;
      }
    }
    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? '')) {
        quoted.push((lines[i] ?? '').replace(QUOTE, ''));
        i++;
      }
      i--;
      blocks.push({ t: 'quote', children: parseMarkdown(quoted.join('\n'), depth + 1) });
      continue;
    }
    para.push(line);
  }
  flush();
  return blocks;
}

const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);
const isWord = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);

interface LinkRange {
  start: number;
  end: number;
  text: string;
  href: string;
}

function linkRanges(text: string): LinkRange[] {
  const ranges: LinkRange[] = [];
  let at = 0;
  for (const segment of linkify(text)) {
    if (segment.kind === 'link') ranges.push({ start: at, end: at + segment.text.length, ...segment });
    at += segment.text.length;
  }
  return ranges;
}

/** Inline markup of one paragraph. */
export function parseInline(text: string, depth = 0): Inline[] {
  const links = linkRanges(text);
  const inLink = (pos: number) => links.some((l) => pos >= l.start && pos < l.end);
  const out: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer !== '') out.push(...textNodes(buffer));
    buffer = '';
  };
  /** The closing delimiter: not inside a link, not preceded by a space, and (for `_`) not inside a word. */
  const findClose = (delim: string, from: number): number => {
    for (let j = text.indexOf(delim, from); j !== -1; j = text.indexOf(delim, j + 1)) {
      if (j === from || inLink(j) || isSpace(text[j - 1])) continue;
      if (delim === '_' && isWord(text[j + 1])) continue;
      if (delim === '*' && text[j + 1] === '*') continue;
      return j;
    }
    return -1;
  };
  let i = 0;
  while (i < text.length) {
    const link = links.find((l) => l.start === i);
    if (link !== undefined) {
      flush();
      out.push({ t: 'link', text: link.text, href: link.href });
      i = link.end;
      continue;
    }
    const ch = text[i] ?? '';
    if (ch === '`') {
      const j = text.indexOf('`', i + 1);
      if (j > i + 1) {
        flush();
        out.push({ t: 'code', text: text.slice(i + 1, j) });
        i = j + 1;
        continue;
      }
    }
    if (depth < MAX_DEPTH) {
      const pair = text.startsWith('**', i)
        ? '**'
        : text.startsWith('~~', i)
          ? '~~'
          : ch === '*' || ch === '_'
            ? ch
            : '';
      // A marker right after a backslash is plain text (the backslash stays visible): ¯\_(ツ)_/¯ is no italic.
      const opens =
        pair !== '' &&
        text[i - 1] !== '\\' &&
        !isSpace(text[i + pair.length]) &&
        !(pair === '_' && isWord(text[i - 1]));
      if (opens) {
        const j = findClose(pair, i + pair.length);
        if (j > i + pair.length) {
          flush();
          const t = pair === '**' ? 'bold' : pair === '~~' ? 'strike' : 'italic';
          out.push({ t, children: parseInline(text.slice(i + pair.length, j), depth + 1) });
          i = j + pair.length;
          continue;
        }
      }
    }
    buffer += ch;
    i++;
  }
  flush();
  return out;
}

/** Plain text with shortcodes replaced and @mentions split out. */
function textNodes(raw: string): Inline[] {
  const text = replaceShortcodes(raw);
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const lead = match[1] ?? '';
    const username = (match[2] ?? '').replace(/[.-]+$/, '');
    if (username.length < 2) continue;
    const start = match.index + lead.length;
    if (start > last) out.push({ t: 'text', text: text.slice(last, start) });
    out.push({ t: 'mention', username: username.toLowerCase() });
    last = start + 1 + username.length;
  }
  if (last < text.length) out.push({ t: 'text', text: text.slice(last) });
  return out;
}

/** The text a reader sees, without markup (previews, notifications, quotes). */
export function plainText(input: string): string {
  const inline = (nodes: Inline[]): string =>
    nodes
      .map((n) =>
        n.t === 'text' || n.t === 'code' || n.t === 'link'
          ? n.text
          : n.t === 'mention'
            ? `@${n.username}`
            : inline(n.children),
      )
      .join('');
  const block = (blocks: Block[]): string =>
    blocks.map((b) => (b.t === 'para' ? inline(b.children) : b.t === 'code' ? b.text : block(b.children))).join('\n');
  return block(parseMarkdown(input));
}
