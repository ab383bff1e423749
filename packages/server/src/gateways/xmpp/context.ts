/**
 * The XmppContext handlers receive: who the resource is, the services, its own
 * state, and the ways back to the session (send a stanza, run a task in its
 * outbound order).
 */
import type { Logger } from '../../ports/logger';
import type { AuthContext, Services } from '../../services';
import type { JidMapper } from './jid';
import type { SessionState, XmppContext } from './router';
import type { XmlElement } from './xml';

export interface ContextSource {
  readonly auth: AuthContext;
  readonly services: Services;
  readonly jids: JidMapper;
  readonly fullJid: string;
  readonly connectionId: string;
  httpUrl(): string;
  readonly state: SessionState;
  /** Made on first use: most sessions never log. */
  logger(): Logger;
  send(element: XmlElement): void;
  enqueue(task: () => Promise<void>): void;
}

export function buildContext(source: ContextSource): XmppContext {
  return {
    auth: source.auth,
    services: source.services,
    jids: source.jids,
    bareJid: source.jids.user(source.auth.user.username),
    fullJid: source.fullJid,
    resource: source.fullJid.slice(source.fullJid.indexOf('/') + 1),
    connectionId: source.connectionId,
    httpUrl: () => source.httpUrl(),
    state: source.state,
    get logger() {
      return source.logger();
    },
    send: (element) => source.send(element),
    enqueue: (task) => source.enqueue(task),
  };
}
