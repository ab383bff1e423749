import { describe, expect, it } from 'vitest';
import { formatDuration, waveformBars } from './media';

describe('media helpers', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(750_000)).toBe('12:30');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('reduces levels to peak bars of 0-255', () => {
    expect(waveformBars([])).toEqual([]);
    expect(waveformBars([0, 0.5, 1], 64)).toEqual([0, 128, 255]);
    const many = Array.from({ length: 1000 }, (_, i) => (i === 10 ? 1 : 0.1));
    const bars = waveformBars(many, 10);
    expect(bars).toHaveLength(10);
    expect(bars[0]).toBe(255);
    expect(bars.slice(1).every((b) => b === 26)).toBe(true);
  });
});
