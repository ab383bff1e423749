import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { classify, OCTET_STREAM, servableInline, sniffType, typeAllowed } from './sniff';

describe('sniffing', () => {
  it('names a PNG by its bytes, and HTML or SVG as octet-stream', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
      .png()
      .toBuffer();
    expect(await sniffType(png)).toBe('image/png');
    expect(await sniffType(Buffer.from('<!doctype html><script>alert(1)</script>'))).toBe(OCTET_STREAM);
    expect(await sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'))).not.toMatch(
      /svg|html/,
    );
  });

  it('serves only media types inline', () => {
    expect(servableInline('image/png')).toBe(true);
    expect(servableInline('video/webm')).toBe(true);
    for (const t of ['text/html', 'image/svg+xml', 'application/pdf', 'application/xml', OCTET_STREAM]) {
      expect(servableInline(t)).toBe(false);
    }
  });

  it('classifies a recorded WebM voice message as audio', () => {
    expect(classify('video/webm', 'voice')).toEqual({ kind: 'voice', mime: 'audio/webm' });
    expect(classify('video/webm', undefined)).toEqual({ kind: 'video', mime: 'video/webm' });
    expect(classify('audio/ogg', 'voice')).toEqual({ kind: 'voice', mime: 'audio/ogg' });
    expect(classify('image/png', 'voice')).toEqual({ kind: 'image', mime: 'image/png' });
    expect(classify('application/pdf', undefined)).toEqual({ kind: 'file', mime: 'application/pdf' });
  });

  it('matches allowed type lists', () => {
    expect(typeAllowed('image/png', ['*'])).toBe(true);
    expect(typeAllowed('image/png', ['image/*'])).toBe(true);
    expect(typeAllowed('application/pdf', ['image/*'])).toBe(false);
    expect(typeAllowed('application/pdf', ['image/*', 'application/pdf'])).toBe(true);
  });
});
