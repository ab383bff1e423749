import { describe, expect, it } from 'vitest';
import { fold } from './search-fold';

describe('search folding', () => {
  it('drops the diacritics of Latin, Greek and Cyrillic letters', () => {
    expect(fold('Überprüfung')).toBe('uberprufung');
    expect(fold('Résumé ÇA Ñandú')).toBe('resume ca nandu');
    expect(fold('Tiếng Việt Ơn Ưu')).toBe('tieng viet on uu');
    expect(fold('Καλημέρα ΐ')).toBe('καλημερα ι');
    expect(fold('ёлка Йод')).toBe('елка иод');
    // Composed and decomposed forms fold alike.
    expect(fold('Re\u0301sume\u0301')).toBe(fold('Résumé'));
  });

  it('spells the letters no decomposition splits', () => {
    expect(fold('Straße STRAẞE')).toBe('strasse strasse');
    expect(fold('Øre Ærø Œuvre')).toBe('ore aero oeuvre');
    expect(fold('Łódź Đà Nẵng')).toBe('lodz da nang');
    expect(fold('Þór Eðda İstanbul ılık')).toBe('thor edda istanbul ilik');
    expect(fold('ΣΟΦΟΣ σοφος')).toBe('σοφοσ σοφοσ');
  });

  it('folds width and compatibility forms', () => {
    expect(fold('ＰＡＲＬＥＹ１２')).toBe('parley12');
    expect(fold('ﾀﾜｰ')).toBe('タワー');
    expect(fold('ｶﾞｽ')).toBe('ガス');
    expect(fold('ﬁnal')).toBe('final');
  });

  it('keeps the marks that are letters: Thai and Devanagari vowel signs, kana voicing, Hangul', () => {
    expect(fold('ข้าว')).toBe('ข้าว');
    expect(fold('किताब')).toBe('किताब');
    expect(fold('ガス')).toBe('ガス');
    expect(fold('ガス')).not.toBe(fold('カス'));
    // Hangul decomposed by NFKD comes back as syllables.
    expect(fold('한국어')).toBe('한국어');
    expect(fold('\u1112\u1161\u11ab')).toBe('한');
  });

  it('drops Arabic harakat and Hebrew points', () => {
    expect(fold('كِتَابٌ')).toBe('كتاب');
    expect(fold('أحمد')).toBe('احمد');
    expect(fold('שָׁלוֹם')).toBe('שלום');
  });

  it('is idempotent', () => {
    for (const text of ['Überprüfung', 'ﾀﾜｰ', 'Straße', 'ข้าว', 'İı', 'ΣΟΦΟΣ', '½ ﬁ', 'كِتَابٌ', 'plain']) {
      expect(fold(fold(text))).toBe(fold(text));
    }
  });
});
