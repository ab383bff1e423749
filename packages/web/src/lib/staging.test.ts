import { describe, expect, it } from 'vitest';
import type { Line } from './names';
import { MAX_STAGED_FILES, stageFiles } from './staging';

/** A sentence as it reads, names and all. */
const read = (lines: Line[]) => lines.map((line) => line.map((p) => (typeof p === 'string' ? p : p.user)).join(''));

const file = (name: string, size = 10) => ({ name, size });

describe('stageFiles', () => {
  it('accepts files within the size limit', () => {
    expect(stageFiles(0, [file('a.png'), file('b.pdf', 1000)], 1000)).toEqual({
      accepted: [file('a.png'), file('b.pdf', 1000)],
      errors: [],
    });
  });

  it('refuses a file over the limit, naming it and the limit', () => {
    const result = stageFiles(0, [file('big.mov', 2_500_000), file('ok.txt')], 2_000_000);
    expect(result.accepted).toEqual([file('ok.txt')]);
    expect(read(result.errors)).toEqual(['big.mov is 2.5 MB; files can be at most 2.0 MB.']);
    // The name is user text, kept apart from the sentence (isolated when shown).
    expect(result.errors[0]![0]).toEqual({ user: 'big.mov' });
  });

  it('refuses empty files', () => {
    expect(read(stageFiles(0, [file('empty.txt', 0)], 100).errors)).toEqual(['empty.txt is empty.']);
  });

  it('keeps the tray within the count, counting what it already holds', () => {
    const many = Array.from({ length: 4 }, (_, i) => file(`f${i}`));
    const result = stageFiles(MAX_STAGED_FILES - 2, many, 100);
    expect(result.accepted).toEqual(many.slice(0, 2));
    expect(read(result.errors)).toEqual([`You can send at most ${MAX_STAGED_FILES} files at once: 2 were left out.`]);
    expect(read(stageFiles(MAX_STAGED_FILES - 1, many.slice(0, 2), 100).errors)[0]).toMatch(/1 was left out/);
  });

  it('says so when the server takes no files', () => {
    expect(stageFiles(0, [file('a')], undefined)).toEqual({
      accepted: [],
      errors: [['This server does not accept files.']],
    });
  });
});
