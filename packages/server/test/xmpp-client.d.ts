// Minimal types for @xmpp/client (it ships none): only what the XMPP tests use.
declare module '@xmpp/client' {
  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: (Element | string)[];
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    toString(): string;
  }
  export interface Client {
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
    /** Writes raw XML (for what the serializer would write otherwise, such as `&#13;`). */
    write(data: string): Promise<void>;
    on(event: 'stanza', listener: (stanza: Element) => void): void;
    on(event: 'error' | 'offline' | 'online', listener: (value: unknown) => void): void;
    /** Stream-level elements (XEP-0198 `<failed/>`, `<resumed/>`...). */
    on(event: 'nonza', listener: (element: Element) => void): void;
    iqCaller: { request(element: Element, timeout?: number): Promise<Element> };
    jid: { toString(): string } | null;
    /** The options it was made with; a reconnect connects to `service` as it is then. */
    options: { service: string };
    /** The current socket (TLS after STARTTLS); tests destroy it to simulate a dropped connection. */
    socket: { socket: { destroy(): void } | null } | null;
    /** XEP-0198 state of @xmpp/stream-management. */
    streamManagement: {
      enabled: boolean;
      id: string;
      outbound: number;
      outbound_q: unknown[];
      on(event: 'resumed', listener: () => void): void;
    };
  }
  export function client(options: {
    service: string;
    domain: string;
    username?: string;
    password?: string;
    resource?: string;
    /** Milliseconds to wait for each stream (re)open and close (default 2000). */
    timeout?: number;
  }): Client;
  export function xml(name: string, attrs?: Record<string, string>, ...children: (Element | string)[]): Element;
}
