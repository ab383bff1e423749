/**
 * Renders message text safely: the Markdown subset (lib/markdown.ts) becomes React
 * elements — text nodes, <strong>, <em>, <code>, <pre>, <blockquote>, and <a> for
 * http(s) and mailto links only — never HTML. Mentions of known people are
 * highlighted (mine, @here and @channel strongly). Line breaks are kept by CSS;
 * messages of only a few emoji are shown large.
 */
import type { User } from '@parley/protocol';
import { Fragment, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '../lib/markdown';

const EMOJI_ONLY =
  /^(?:\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*\s*){1,3}$/u;

export interface MentionContext {
  me: string;
  /** Usernames that exist (to highlight only real mentions). */
  known: (username: string) => boolean;
}

function inline(nodes: readonly Inline[], mentions: MentionContext | undefined): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.t) {
      case 'text':
        return <Fragment key={i}>{node.text}</Fragment>;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'link':
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer">
            {node.text}
          </a>
        );
      case 'mention': {
        const all = node.username === 'here' || node.username === 'channel';
        const me = node.username === mentions?.me;
        if (!all && !me && mentions?.known(node.username) !== true)
          return <Fragment key={i}>@{node.username}</Fragment>;
        return (
          <span key={i} className={all || me ? 'mention mention-me' : 'mention'}>
            @{node.username}
          </span>
        );
      }
      case 'bold':
        return <strong key={i}>{inline(node.children, mentions)}</strong>;
      case 'italic':
        return <em key={i}>{inline(node.children, mentions)}</em>;
      case 'strike':
        return <s key={i}>{inline(node.children, mentions)}</s>;
    }
  });
}

function blocks(list: readonly Block[], mentions: MentionContext | undefined): ReactNode[] {
  return list.map((block, i) => {
    switch (block.t) {
      case 'para':
        return (
          <p key={i} className="md-p">
            {inline(block.children, mentions)}
          </p>
        );
      case 'code':
        return (
          <pre key={i} className="md-pre">
            <code>{block.text}</code>
          </pre>
        );
      case 'quote':
        return (
          <blockquote key={i} className="md-quote">
            {blocks(block.children, mentions)}
          </blockquote>
        );
    }
  });
}

export function MessageText({ text, mentions }: { text: string; mentions?: MentionContext }) {
  const parsed = useMemo(() => parseMarkdown(text), [text]);
  const jumbo = EMOJI_ONLY.test(text.trim());
  // dir="auto": a right-to-left message reads right to left, in an isolate of its own.
  return (
    <div className={jumbo ? 'msg-text jumbo' : 'msg-text'} dir="auto">
      {blocks(parsed, mentions)}
    </div>
  );
}

const usernames = new WeakMap<Readonly<Record<string, User>>, ReadonlySet<string>>();

/** The mention context for a set of known users (the set of names is built once per users map). */
export function mentionContext(users: Readonly<Record<string, User>>, me: User): MentionContext {
  let names = usernames.get(users);
  if (names === undefined) {
    names = new Set(Object.values(users).map((u) => u.username));
    usernames.set(users, names);
  }
  const known = names;
  return { me: me.username, known: (username) => known.has(username) };
}
