/**
 * The files waiting in the composer's tray: which of the files someone picked,
 * pasted or dropped may join it, and why the others may not, before a byte is
 * uploaded. The limits are explicit: at most MAX_STAGED_FILES files per send, each
 * within the server's `maxFileBytes` (absent: the server takes no uploads), none
 * empty. The server checks the same size again (and the quota and types); this
 * only spares people an upload that would be refused.
 */
import { formatFileSize } from '@parley/protocol';
import type { Line } from './names';

/** Most files sent at once (one message each, the caption on the first). */
export const MAX_STAGED_FILES = 10;

/** What the tray holds: enough of a File to preview and send it. */
export interface StageCandidate {
  name: string;
  size: number;
}

export interface StageResult<T extends StageCandidate> {
  accepted: T[];
  /** One sentence per refusal, in the order the files came; file names are user text. */
  errors: Line[];
}

/**
 * Splits `incoming` into what joins a tray already holding `held` files and what is
 * refused (too big, empty, or past the count), with a sentence for each refusal.
 */
export function stageFiles<T extends StageCandidate>(
  held: number,
  incoming: readonly T[],
  maxFileBytes: number | undefined,
): StageResult<T> {
  if (maxFileBytes === undefined) {
    return { accepted: [], errors: incoming.length === 0 ? [] : [['This server does not accept files.']] };
  }
  const accepted: T[] = [];
  const errors: Line[] = [];
  let dropped = 0;
  for (const file of incoming) {
    if (file.size === 0) {
      errors.push([{ user: file.name }, ' is empty.']);
    } else if (file.size > maxFileBytes) {
      errors.push([
        { user: file.name },
        ` is ${formatFileSize(file.size)}; files can be at most ${formatFileSize(maxFileBytes)}.`,
      ]);
    } else if (held + accepted.length >= MAX_STAGED_FILES) {
      dropped += 1;
    } else {
      accepted.push(file);
    }
  }
  if (dropped > 0) {
    errors.push([
      `You can send at most ${MAX_STAGED_FILES} files at once: ${dropped} ${dropped === 1 ? 'was' : 'were'} left out.`,
    ]);
  }
  return { accepted, errors };
}
