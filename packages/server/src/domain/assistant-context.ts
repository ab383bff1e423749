/**
 * What the AI assistant sends its model (docs/bots.md "AI assistant"): the instructions,
 * then as many of the newest readable messages as fit the token budget, oldest first,
 * each as a turn (the assistant's own messages as `assistant`, everyone else's as `user`
 * prefixed with the sender's name). Tokens are estimated without the model's tokenizer,
 * on the safe side: a token for every 3 ASCII characters (real tokenizers average about
 * 4 for English), a token for every other character (a CJK character can be one or two
 * tokens; an accented letter is usually less than one), and 4 tokens of framing per turn.
 * Pure: no I/O.
 */

/** Tokens a chat template adds around each turn (role markers, separators), rounded up. */
export const TURN_OVERHEAD_TOKENS = 4;

/** A conservative token count of `text` (see the module comment). */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 128) ascii += 1;
    else other += 1;
  }
  return Math.ceil(ascii / 3) + other;
}

export interface ContextMessage {
  senderId: string;
  senderName: string;
  text: string;
}

export interface ContextTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The trailing marker of an answer still being written (services/assistant.ts). */
export const STREAMING_MARK = ' ▌';

function turnOf(message: ContextMessage, assistantId: string): ContextTurn {
  return message.senderId === assistantId
    ? {
        role: 'assistant',
        content: message.text.endsWith(STREAMING_MARK) ? message.text.slice(0, -STREAMING_MARK.length) : message.text,
      }
    : { role: 'user', content: `${message.senderName}: ${message.text}` };
}

function cost(turn: ContextTurn): number {
  return estimateTokens(turn.content) + TURN_OVERHEAD_TOKENS;
}

/**
 * The turns to send: `system`, then the newest of `messages` (given oldest first) that fit
 * `budget` tokens together, in order. The newest message (the question) is always kept,
 * cut at its end when it alone is too long. `task`, when given, closes the list (what to do
 * with the messages: summarise them).
 */
export function fitContext(
  system: string,
  messages: readonly ContextMessage[],
  assistantId: string,
  budget: number,
  task?: string,
): ContextTurn[] {
  const head: ContextTurn = { role: 'system', content: system };
  const tail: ContextTurn[] = task === undefined ? [] : [{ role: 'user', content: task }];
  let left = budget - cost(head) - tail.reduce((sum, t) => sum + cost(t), 0);
  const kept: ContextTurn[] = [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const turn = turnOf(messages[i]!, assistantId);
    const need = cost(turn);
    if (need <= left) {
      kept.unshift(turn);
      left -= need;
      continue;
    }
    if (kept.length === 0 && left > TURN_OVERHEAD_TOKENS) {
      // The newest alone is too long: keep its start, within the budget (a character is at most a token).
      kept.unshift({ ...turn, content: turn.content.slice(0, left - TURN_OVERHEAD_TOKENS) });
    }
    break;
  }
  return [head, ...kept, ...tail];
}
