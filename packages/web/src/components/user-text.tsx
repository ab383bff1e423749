/**
 * Text that people wrote (names, titles, topics, file names, excerpts, previews)
 * shown in bidi isolation: inside a `<bdi>` (its direction from its own first
 * strong character), with its isolates balanced (`balanceBidi`), so that a
 * right-to-left override in it reorders nothing around it: `holiday\u202Egnp.exe` can
 * look odd inside its box, never turn the text after it around. Message bodies are
 * blocks of their own (message-text.tsx); everything shorter goes through here.
 */
import { balanceBidi } from '@parley/protocol';
import { Fragment } from 'react';
import type { Line } from '../lib/names';

export function UserText({ text, className }: { text: string; className?: string }) {
  return <bdi className={className}>{balanceBidi(text)}</bdi>;
}

/** A sentence of UI words and user text (lib/names.ts `Line`), each user part isolated. */
export function LineText({ line }: { line: Line }) {
  return (
    <>
      {line.map((part, i) =>
        typeof part === 'string' ? <Fragment key={i}>{part}</Fragment> : <UserText key={i} text={part.user} />,
      )}
    </>
  );
}
