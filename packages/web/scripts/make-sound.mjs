/**
 * Writes src/assets/message.wav, the short sound for a new message: two soft sine notes
 * (E6 then A6) with a quick decay, 16-bit mono PCM at 22.05 kHz. Made here from numbers, so
 * it carries no one else's licence; run `node packages/web/scripts/make-sound.mjs` to remake it.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RATE = 22_050;
const notes = [
  { hz: 1318.5, start: 0, length: 0.09 },
  { hz: 1760, start: 0.07, length: 0.16 },
];
const total = Math.ceil(RATE * 0.24);
const samples = new Float32Array(total);
for (const note of notes) {
  const from = Math.floor(note.start * RATE);
  const count = Math.floor(note.length * RATE);
  for (let i = 0; i < count && from + i < total; i++) {
    const t = i / RATE;
    const attack = Math.min(1, i / (RATE * 0.004));
    const decay = Math.exp(-t / (note.length / 3.5));
    samples[from + i] += 0.32 * attack * decay * Math.sin(2 * Math.PI * note.hz * t);
  }
}
const data = Buffer.alloc(total * 2);
for (let i = 0; i < total; i++) data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32_767), i * 2);
const header = Buffer.alloc(44);
header.write('RIFF', 0);
header.writeUInt32LE(36 + data.length, 4);
header.write('WAVE', 8);
header.write('fmt ', 12);
header.writeUInt32LE(16, 16); // PCM chunk size
header.writeUInt16LE(1, 20); // PCM
header.writeUInt16LE(1, 22); // mono
header.writeUInt32LE(RATE, 24);
header.writeUInt32LE(RATE * 2, 28); // bytes per second
header.writeUInt16LE(2, 32); // block align
header.writeUInt16LE(16, 34); // bits per sample
header.write('data', 36);
header.writeUInt32LE(data.length, 40);
writeFileSync(fileURLToPath(new URL('../src/assets/message.wav', import.meta.url)), Buffer.concat([header, data]));
