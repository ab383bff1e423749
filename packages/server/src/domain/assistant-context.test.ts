import { describe, expect, it } from 'vitest';
import {
  estimateTokens,
  fitContext,
  STREAMING_MARK,
  TURN_OVERHEAD_TOKENS,
  type ContextMessage,
} from './assistant-context';

const from = (senderId: string, text: string): ContextMessage => ({ senderId, senderName: senderId, text });

describe('the assistant context', () => {
  it('estimates tokens on the safe side: 3 ASCII characters or 1 other character per token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(2);
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('héllo')).toBe(3); // 4 ASCII (2 tokens) + 1 other
    expect(estimateTokens('🎉')).toBe(1); // one code point
  });

  it('keeps the newest messages that fit the budget, oldest first, with the instructions', () => {
    const messages = ['a', 'b', 'c', 'd'].map((t) => from('u_alice', t.repeat(120)));
    const perTurn = estimateTokens(`u_alice: ${'d'.repeat(120)}`) + TURN_OVERHEAD_TOKENS;
    const system = 'Be brief.';
    const budget = estimateTokens(system) + TURN_OVERHEAD_TOKENS + 2 * perTurn + 1;
    const turns = fitContext(system, messages, 'u_bot', budget);
    expect(turns.map((t) => t.content.slice(0, 12))).toEqual(['Be brief.', 'u_alice: ccc', 'u_alice: ddd']);
    const used = turns.reduce((sum, t) => sum + estimateTokens(t.content) + TURN_OVERHEAD_TOKENS, 0);
    expect(used).toBeLessThanOrEqual(budget);
  });

  it('sends its own answers as the assistant, without the mark of an answer being written', () => {
    const turns = fitContext('S', [from('u_a', 'Hi'), from('u_bot', `Hello${STREAMING_MARK}`)], 'u_bot', 1000);
    expect(turns.slice(1)).toEqual([
      { role: 'user', content: 'u_a: Hi' },
      { role: 'assistant', content: 'Hello' },
    ]);
  });

  it('cuts the question when it alone is too long, and ends with the task when there is one', () => {
    const task = 'Summarise.';
    const turns = fitContext('S', [from('u_a', 'x'.repeat(10_000))], 'u_bot', 100, task);
    expect(turns.at(-1)).toEqual({ role: 'user', content: task });
    const used = turns.reduce((sum, t) => sum + estimateTokens(t.content) + TURN_OVERHEAD_TOKENS, 0);
    expect(used).toBeLessThanOrEqual(100);
    expect(turns[1]?.content.startsWith('u_a: xxx')).toBe(true);
  });
});
