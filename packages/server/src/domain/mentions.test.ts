import { describe, expect, it } from 'vitest';
import { MAX_MENTIONED_USERS, parseMentions } from './mentions';

describe('parseMentions', () => {
  it('finds usernames, @here and @channel in order, once each, lower-cased', () => {
    expect(parseMentions('@Bob and @carol.x, then @bob again; @here (@channel)')).toEqual({
      usernames: ['bob', 'carol.x'],
      here: true,
      channel: true,
    });
  });

  it('ignores e-mail addresses, code and a trailing full stop', () => {
    expect(parseMentions('mail alice@example.com or thanks @dave.')).toEqual({
      usernames: ['dave'],
      here: false,
      channel: false,
    });
    expect(parseMentions('`@eve` and ```\n@frank @here\n``` but @gina')).toEqual({
      usernames: ['gina'],
      here: false,
      channel: false,
    });
  });

  it('finds nothing in text without mentions and caps the list', () => {
    expect(parseMentions('no one @ all')).toEqual({ usernames: [], here: false, channel: false });
    const many = Array.from({ length: 60 }, (_, i) => `@user${i}`).join(' ');
    expect(parseMentions(many).usernames).toHaveLength(MAX_MENTIONED_USERS);
  });
});
