/**
 * Mentions as the server reads them from a message's text: `@username`, `@here`
 * and `@channel`. Pure: which names are real users who may read the conversation,
 * and whether the sender may notify everyone, is for the message service to decide.
 * Text inside code spans and code blocks mentions nobody; an `@` glued to a word
 * (an e-mail address) is not a mention.
 */

export interface ParsedMentions {
  /** Lower-case usernames, distinct, in order of first appearance. */
  usernames: string[];
  here: boolean;
  channel: boolean;
}

/** Most distinct usernames one message may mention; more are ignored. */
export const MAX_MENTIONED_USERS = 50;

const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
const MENTION = /(^|[^\p{L}\p{N}_@.+-])@([a-z0-9][a-z0-9_.-]{0,31})/giu;

export function parseMentions(text: string): ParsedMentions {
  const plain = text.replace(CODE, ' ');
  const usernames: string[] = [];
  let here = false;
  let channel = false;
  for (const match of plain.matchAll(MENTION)) {
    // A sentence may end right after a name: "thanks @bob."
    const name = (match[2] ?? '').toLowerCase().replace(/[.-]+$/, '');
    if (name === 'here') here = true;
    else if (name === 'channel') channel = true;
    else if (name.length >= 2 && !usernames.includes(name) && usernames.length < MAX_MENTIONED_USERS) {
      usernames.push(name);
    }
  }
  return { usernames, here, channel };
}
