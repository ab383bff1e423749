import { describe, expect, it } from 'vitest';
import { previewUrls } from './link-urls';

describe('previewUrls', () => {
  it('finds http and https links in order, once each, up to the limit', () => {
    const text =
      'see https://a.example/x, then http://b.example/y?z=1. and https://a.example/x again https://c.example';
    expect(previewUrls(text, 5)).toEqual(['https://a.example/x', 'http://b.example/y?z=1', 'https://c.example']);
    expect(previewUrls(text, 2)).toEqual(['https://a.example/x', 'http://b.example/y?z=1']);
  });

  it('reads markdown links and skips code, other schemes and credentials', () => {
    const text =
      '[site](https://d.example/page) `https://code.example` ```\nhttps://block.example\n``` ftp://f.example https://u:p@e.example/ mailto:x@y.example';
    expect(previewUrls(text, 5)).toEqual(['https://d.example/page']);
  });

  it('gives nothing for text without links', () => {
    expect(previewUrls('no links here, only http:// and words', 3)).toEqual([]);
  });
});
