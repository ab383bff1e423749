/**
 * What a web page says about itself, for a link preview (ADR 0017): OpenGraph
 * (`og:title`, `og:description`, `og:site_name`, `og:image`), then the Twitter card
 * (`twitter:title`, ...), then `<title>` and `<meta name="description">`. Parsed with
 * htmlparser2 (a tolerant streaming parser: entities decoded, broken markup survived),
 * reading only the head: parsing stops at `<body>` or `</head>`. Pure computation on
 * a string: no network, no storage.
 */
import { Parser } from 'htmlparser2';

export interface PageMeta {
  title?: string;
  description?: string;
  siteName?: string;
  /** Absolute http(s) URL of the preview image, resolved against the page's URL. */
  imageUrl?: string;
  /** True when the head ended within the text given (a cut-off page is complete only then). */
  headComplete: boolean;
}

/** Longest kept text, in characters (the protocol bounds them so). */
export const META_LIMITS = { title: 300, description: 1000, siteName: 100 } as const;

const PREFERENCE = {
  title: ['og:title', 'twitter:title', '<title>'],
  description: ['og:description', 'twitter:description', 'description'],
  siteName: ['og:site_name', 'application-name'],
  image: ['og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src'],
} as const;

/** Control characters, zero-width and bidi formatting characters: a page's text is shown as plain text. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

function clean(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  // Invisible characters and runs of white space go; what is left is cut at a character boundary.
  const text = value.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function absolute(value: string | undefined, base: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined; // an image URL that does not parse is no image
  }
}

/** Reads the head of `html` (the page at `pageUrl`, for relative image URLs). */
export function readPageMeta(html: string, pageUrl: string): PageMeta {
  const found = new Map<string, string>();
  let inTitle = false;
  let title = '';
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === 'body') {
          done = true;
          return;
        }
        if (name === 'title') inTitle = true;
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').trim().toLowerCase();
        const content = attributes.content;
        // The first value of a key wins (pages list their main image first).
        if (key !== '' && content !== undefined && !found.has(key)) found.set(key, content);
      },
      ontext(text) {
        if (inTitle && !done) title += text;
      },
      onclosetag(name) {
        if (name === 'title') {
          inTitle = false;
          if (!found.has('<title>')) found.set('<title>', title);
        }
        if (name === 'head') done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  const headComplete = done;
  parser.end();
  const pick = (keys: readonly string[]) =>
    keys.map((key) => found.get(key)).find((v) => v !== undefined && v.trim() !== '');
  const meta: PageMeta = { headComplete };
  const titleText = clean(pick(PREFERENCE.title), META_LIMITS.title);
  const description = clean(pick(PREFERENCE.description), META_LIMITS.description);
  const siteName = clean(pick(PREFERENCE.siteName), META_LIMITS.siteName);
  const imageUrl = absolute(pick(PREFERENCE.image), pageUrl);
  if (titleText !== undefined) meta.title = titleText;
  if (description !== undefined) meta.description = description;
  if (siteName !== undefined) meta.siteName = siteName;
  if (imageUrl !== undefined) meta.imageUrl = imageUrl;
  return meta;
}
