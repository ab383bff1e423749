/**
 * Room nicknames (XEP-0045 occupants' nicks): a nickname follows the name rules
 * (checkName: no control characters, lone surrogates or noncharacters; stored NFC
 * without bidi controls or invisible ends), is not blank and has at most
 * ROOM_NICK_MAX characters (code points) once normalized. Two nicknames clash when
 * their folds are equal: NFKC then lowercase (a simple stand-in for the PRECIS
 * nickname profile XEP-0045 asks for, RFC 8266: "Ｂob", "BOB" and "bob" are one
 * nickname). Pure.
 */
import { checkName, codePointLabel } from '@parley/protocol';

export const ROOM_NICK_MAX = 64;

export type NickCheck = { ok: true; nick: string; fold: string } | { ok: false; reason: string };

/** The nickname as stored and its fold, or why it is refused (for a not-acceptable error's text). */
export function checkRoomNick(raw: string): NickCheck {
  const checked = checkName(raw);
  if (!checked.ok) {
    const { refused } = checked;
    return {
      ok: false,
      reason: `a nickname may not contain ${refused.reason.replace('_', ' ')} characters (${codePointLabel(refused.codePoint)} at ${refused.index})`,
    };
  }
  const nick = checked.value;
  if (nick === '') return { ok: false, reason: 'a nickname may not be blank' };
  if ([...nick].length > ROOM_NICK_MAX)
    return { ok: false, reason: `a nickname has at most ${ROOM_NICK_MAX} characters` };
  return { ok: true, nick, fold: foldNick(nick) };
}

/** NFKC then lowercase: the form two nicknames are compared in. */
export function foldNick(nick: string): string {
  return nick.normalize('NFKC').toLowerCase();
}
