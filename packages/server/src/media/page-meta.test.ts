import { describe, expect, it } from 'vitest';
import { readPageMeta } from './page-meta';

describe('readPageMeta', () => {
  it('prefers OpenGraph, resolves the image against the page and decodes entities', () => {
    const html = `<!doctype html><html><head>
      <title>Plain title</title>
      <meta name="description" content="plain description">
      <meta property="og:title" content="Fish &amp; Chips">
      <meta property="og:description" content="The   best
        in town">
      <meta property="og:site_name" content="Harbour">
      <meta property="og:image" content="/img/fish.png">
      </head><body><meta property="og:title" content="ignored"></body></html>`;
    expect(readPageMeta(html, 'https://shop.example/menu/today')).toEqual({
      title: 'Fish & Chips',
      description: 'The best in town',
      siteName: 'Harbour',
      imageUrl: 'https://shop.example/img/fish.png',
      headComplete: true,
    });
  });

  it('falls back to the Twitter card, then to <title> and meta description', () => {
    expect(
      readPageMeta(
        '<head><meta name="twitter:title" content="Card"><meta name="twitter:image" content="https://cdn.example/c.jpg"><title>T</title></head>',
        'https://x.example/',
      ),
    ).toMatchObject({ title: 'Card', imageUrl: 'https://cdn.example/c.jpg' });
    expect(
      readPageMeta('<title> Just a title </title><meta name="description" content="d">', 'https://x.example/'),
    ).toMatchObject({ title: 'Just a title', description: 'd', headComplete: false });
  });

  it('drops images that are not http(s) and cuts long text', () => {
    const meta = readPageMeta(
      `<head><meta property="og:image" content="javascript:alert(1)"><title>${'a'.repeat(400)}</title></head>`,
      'https://x.example/',
    );
    expect(meta.imageUrl).toBeUndefined();
    expect([...(meta.title ?? '')]).toHaveLength(300);
  });
});
