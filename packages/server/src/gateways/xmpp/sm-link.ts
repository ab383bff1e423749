/**
 * XEP-0198 on one live stream, after binding: `<enable/>` (registering the session
 * for resumption when asked and allowed), `<r/>` answered with what was handled,
 * `<a/>` dropping acknowledged stanzas, and our own `<r/>` shortly after a burst of
 * sent stanzas. Bookkeeping is stream-management.ts; detaching and resuming, which
 * move the session between transports, are the session's.
 */
import type { Clock } from '../../ports/clock';
import { NS_SM, StreamManagement } from './stream-management';
import { NS, type XmlElement } from './xml';

/** Unacknowledged stanzas kept per session before it is given up. */
export const MAX_UNACKED = 5_000;
/** How soon after sending we ask the client for an ack. */
export const ACK_REQUEST_MS = 1_000;

export interface SmLinkPort {
  /** Writes raw text on the current transport. */
  writeRaw(data: string): void;
  /** False while detached or closed: no ack request is written then. */
  connected(): boolean;
  /** How long a dropped stream may be resumed (0: no resumption offered). */
  readonly resumeMs: number;
  /** Makes the session resumable under this id. */
  register(id: string): void;
}

export class SmLink {
  readonly sm = new StreamManagement(MAX_UNACKED);
  private ackRequest: { cancel(): void } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly port: SmLinkPort,
  ) {}

  /** Handles an XEP-0198 element; false when it is not one expected here (a stream error for the caller). */
  onElement(element: XmlElement): boolean {
    const { sm, port } = this;
    if (element.name === 'enable' && !sm.enabled) {
      const resumable = element.attrs.resume === 'true' || element.attrs.resume === '1';
      sm.enable(resumable && port.resumeMs > 0);
      const seconds = String(Math.floor(port.resumeMs / 1000));
      const attrs = sm.id ? ` id="${sm.id}" resume="true" max="${seconds}"` : '';
      if (sm.id) port.register(sm.id);
      port.writeRaw(`<enabled xmlns="${NS_SM}"${attrs}/>`);
    } else if (element.name === 'r' && sm.enabled) {
      port.writeRaw(`<a xmlns="${NS_SM}" h="${sm.handled}"/>`);
    } else if (element.name === 'a' && sm.enabled) {
      sm.ack(Number(element.attrs.h));
    } else if (element.name === 'enable') {
      port.writeRaw(`<failed xmlns="${NS_SM}"><unexpected-request xmlns="${NS.stanzas}"/></failed>`);
    } else return false;
    return true;
  }

  /** XEP-0198 4: asks for an ack shortly after sending, once per burst. */
  requestAck(): void {
    if (this.ackRequest) return;
    this.ackRequest = this.clock.setTimeout(() => {
      this.ackRequest = undefined;
      if (this.port.connected() && this.sm.unacked.length > 0) this.port.writeRaw(`<r xmlns="${NS_SM}"/>`);
    }, ACK_REQUEST_MS);
  }

  /** XEP-0198 5: on a resumed stream, `<resumed/>` and every stanza after the client's `h`. */
  resumeOn(write: (data: string) => void, h: number): number {
    this.sm.ack(h);
    write(`<resumed xmlns="${NS_SM}" previd="${this.sm.id}" h="${this.sm.handled}"/>`);
    for (const stanza of this.sm.unacked) write(stanza);
    if (this.sm.unacked.length > 0) this.requestAck();
    return this.sm.unacked.length;
  }

  stop(): void {
    this.ackRequest?.cancel();
  }
}
