/** What the browser can tell about a file before it is uploaded (video size and length). */
import type { MediaHints } from '../state/uploads';
import { videoHints } from './media';

export async function hintsFor(file: File): Promise<MediaHints> {
  if (file.type.startsWith('video/')) return { ...(await videoHints(file)), name: file.name };
  return { name: file.name };
}
