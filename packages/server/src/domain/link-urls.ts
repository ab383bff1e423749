/**
 * The links of a message text that may get a preview (ADR 0017): absolute http and
 * https URLs, in the order they appear, each once, the first `max` of them. Code
 * spans and code blocks are skipped (a URL quoted as code is not a link), as are URLs
 * with credentials (`user:pass@`) and trailing punctuation that ends a sentence.
 * Pure: no I/O.
 */

/** The longest URL that gets a preview (longer ones are almost always tracking noise). */
export const MAX_PREVIEW_URL_LENGTH = 2048;

const CODE = /```[\s\S]*?```|`[^`\n]*`/g;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`()[\]{}]+/gi;
/** Characters that end a sentence or a markdown construct rather than the URL. */
const TRAILING = /[.,;:!?*_~]+$/;

export function previewUrls(text: string, max: number): string[] {
  const found: string[] = [];
  const plain = text.replace(CODE, ' ');
  for (const match of plain.matchAll(URL_PATTERN)) {
    const candidate = match[0].replace(TRAILING, '');
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue; // not a URL after all (`http://` alone, a bad host): no preview, nothing else
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') continue;
    if (candidate.length > MAX_PREVIEW_URL_LENGTH || found.includes(candidate)) continue;
    found.push(candidate);
    if (found.length >= max) break;
  }
  return found;
}
