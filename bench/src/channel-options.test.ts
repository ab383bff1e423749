import { describe, expect, it } from 'vitest';
import { parseChannelOptions, UsageError } from './channel-options';

describe('bench:channel options', () => {
  it('parses and bounds every option', () => {
    expect(
      parseChannelOptions(['--connected', '200', '--members', '100000', '--rate', '10', '--duration', '5']),
    ).toEqual({ connected: 200, members: 100_000, rate: 10, durationS: 5, rounds: 3, json: false });
    const base = ['--connected', '10', '--rate', '1', '--duration', '1'];
    // The poster is a member too: M must exceed N.
    expect(() => parseChannelOptions([...base, '--members', '10'])).toThrow(UsageError);
    expect(() => parseChannelOptions([...base, '--members', '1000000'])).toThrow(UsageError);
    expect(() => parseChannelOptions([...base, '--members', '20', '--rounds', '0'])).toThrow(UsageError);
    expect(() => parseChannelOptions(['--members', '20', '--rate', '1', '--duration', '1'])).toThrow(UsageError);
  });
});
