import { ParleyError } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { errorText } from './error-text';

describe('errorText', () => {
  it('says how long slow mode and mutes last', () => {
    expect(errorText(new ParleyError('slow_mode', 'x', { details: { retryAfterMs: 12_000 } }))).toBe(
      'Slow mode: you can post again in 12 s.',
    );
    expect(errorText(new ParleyError('muted', 'x', { details: { mutedUntil: 0 } }))).toMatch(
      /^You are muted here until /,
    );
    expect(errorText(new ParleyError('edit_window_passed', 'x'))).toBe('This message can no longer be edited.');
    expect(errorText(new ParleyError('not_found', 'No such message'))).toBe('No such message');
    expect(errorText(new Error('boom'))).toBe('boom');
  });

  it('names the text and the refused character of invalid_text', () => {
    const refused = new ParleyError('invalid_text', 'x', {
      details: { field: 'text', codePoint: 'U+0001', index: 4, reason: 'control' },
    });
    expect(errorText(refused)).toBe(
      'The message contains an invisible control character (U+0001) that cannot be sent. Remove it and try again.',
    );
  });
});
