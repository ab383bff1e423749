/**
 * Renders message text safely: React text nodes and <a> elements for http(s) and
 * mailto links only, never HTML. Line breaks are kept by CSS (white-space:
 * pre-wrap); messages of only a few emoji are shown large.
 */
import { useMemo } from 'react';
import { linkify } from '../lib/linkify';

const EMOJI_ONLY =
  /^(?:\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*\s*){1,3}$/u;

export function MessageText({ text }: { text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  const jumbo = EMOJI_ONLY.test(text.trim());
  return (
    <div className={jumbo ? 'msg-text jumbo' : 'msg-text'}>
      {segments.map((segment, i) =>
        segment.kind === 'link' ? (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </div>
  );
}
