import { describe, expect, it } from 'vitest';
import { callDuration, callRecordText } from './call-text';

describe('call words', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(callDuration(0)).toBe('0:00');
    expect(callDuration(65_400)).toBe('1:05');
    expect(callDuration(3_723_000)).toBe('1:02:03');
  });
  it('says a call record from the reader side', () => {
    const base = { type: 'call', callId: 'v_1', media: 'video' } as const;
    expect(callRecordText({ ...base, status: 'missed' }, false)).toBe('Missed video call');
    expect(callRecordText({ ...base, status: 'missed' }, true)).toBe('Video call, no answer');
    expect(callRecordText({ ...base, media: 'audio', status: 'answered', durationMs: 125_000 }, true)).toBe(
      'Voice call · 2:05',
    );
    expect(callRecordText({ ...base, status: 'cancelled' }, false)).toBe('Missed video call');
  });
});
