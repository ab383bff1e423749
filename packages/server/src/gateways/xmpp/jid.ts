/**
 * JIDs (RFC 7622) as the gateway uses them: a Parley user is `username@domain`,
 * a group conversation is a room `conversationId@conference.domain`. Only the
 * parsing and mapping needed here: localparts are compared lower-cased (Parley
 * usernames are lower-case), not fully PRECIS-prepared.
 */

export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

const MAX_PART = 1023;

export function parseJid(value: string | undefined): Jid | null {
  if (value === undefined || value === '') return null;
  const slash = value.indexOf('/');
  const bare = slash === -1 ? value : value.slice(0, slash);
  const resource = slash === -1 ? '' : value.slice(slash + 1);
  const at = bare.indexOf('@');
  const local = at === -1 ? '' : bare.slice(0, at);
  const domain = (at === -1 ? bare : bare.slice(at + 1)).toLowerCase();
  if (domain === '' || local.length > MAX_PART || domain.length > MAX_PART || resource.length > MAX_PART) return null;
  if (slash !== -1 && resource === '') return null;
  return { local: local.toLowerCase(), domain, resource };
}

export function bare(jid: Jid): string {
  return jid.local ? `${jid.local}@${jid.domain}` : jid.domain;
}

export function full(jid: Jid): string {
  return jid.resource ? `${bare(jid)}/${jid.resource}` : bare(jid);
}

export class JidMapper {
  readonly conference: string;

  constructor(readonly domain: string) {
    this.conference = `conference.${domain}`;
  }

  user(username: string): string {
    return `${username}@${this.domain}`;
  }

  room(conversationId: string): string {
    return `${conversationId}@${this.conference}`;
  }

  /** The username a JID names on our domain, or null. */
  usernameOf(jid: Jid | null): string | null {
    return jid && jid.domain === this.domain && jid.local !== '' ? jid.local : null;
  }

  /** The conversation id a room JID names, or null. */
  roomOf(jid: Jid | null): string | null {
    return jid && jid.domain === this.conference && jid.local !== '' ? jid.local : null;
  }
}
