/**
 * The resources bound on this node (RFC 6120 7): by full JID, to give a taken
 * resource another name (7.7.2.2 "override"). Which resource gets a
 * message is decided cluster-wide (routing.ts), not here.
 */
import { randomBytes } from 'node:crypto';
import { child, NS, text, type XmlElement } from './xml';

export class ResourceRegistry<S> {
  private readonly byJid = new Map<string, S>();

  /**
   * The resource a bind request asked for, or a free one: a missing, too long or taken name
   * is replaced (taken: bound here, or one of `elsewhere`, the user's resources on other nodes).
   */
  choose(bareJid: string, bindIq: XmlElement, elsewhere: ReadonlySet<string> = new Set()): string {
    const bindEl = child(bindIq, 'bind', NS.bind);
    const requested = bindEl ? text(child(bindEl, 'resource', NS.bind)).trim() : '';
    let resource = requested && requested.length <= 256 ? requested : randomBytes(6).toString('base64url');
    const taken = (name: string) => this.byJid.has(`${bareJid}/${name}`) || elsewhere.has(name);
    // Bounded: each round adds random hex, so a collision again is vanishingly rare.
    for (let i = 0; i < 8 && taken(resource); i++) resource = `${resource}-${randomBytes(3).toString('hex')}`;
    return resource;
  }

  add(fullJid: string, session: S): void {
    this.byJid.set(fullJid, session);
  }

  remove(fullJid: string, session: S): void {
    if (this.byJid.get(fullJid) === session) this.byJid.delete(fullJid);
  }
}
