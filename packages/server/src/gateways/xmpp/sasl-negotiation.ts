/**
 * The SASL exchange of one stream (RFC 6120 6): `<auth/>`, challenges and
 * responses, `<abort/>`, success or failure, and the limit on failed attempts.
 * It writes only SASL elements; the session restarts the stream on success and
 * closes it when there were too many failures: three on this stream, or the
 * client address's budget of attempts (PARLEY_RATE_AUTH_PER_MIN, counted by the
 * accounts service on every node and every way in). The mechanisms are in sasl.ts.
 */
import type { AuthContext, ClientOrigin, Services } from '../../services';
import { mechanismsFor, startSasl, type SaslExchange } from './sasl';
import { escapeText, NS, text, type XmlElement } from './xml';

const MAX_AUTH_FAILURES = 3;

export type SaslOutcome =
  | { kind: 'pending' }
  | { kind: 'success'; auth: AuthContext }
  | { kind: 'too-many-failures' }
  | { kind: 'rate-limited'; retryAfterMs: number };

export class SaslNegotiation {
  private exchange: SaslExchange | undefined;
  private failures = 0;

  constructor(
    private readonly services: Services,
    private readonly domain: string,
    private readonly origin: ClientOrigin,
    private readonly write: (data: string) => void,
  ) {}

  async onElement(element: XmlElement, secure: boolean): Promise<SaslOutcome> {
    if (element.name === 'abort') {
      this.exchange = undefined;
      this.write(`<failure xmlns="${NS.sasl}"><aborted/></failure>`);
      return { kind: 'pending' };
    }
    if (element.name === 'auth') {
      const mechanism = element.attrs.mechanism ?? '';
      this.exchange = mechanismsFor(secure).includes(mechanism)
        ? (startSasl(mechanism, this.services, this.domain, this.origin) ?? undefined)
        : undefined;
      if (!this.exchange) return this.failure('invalid-mechanism');
    } else if (element.name !== 'response' || !this.exchange) return this.failure('malformed-request');
    const exchange = this.exchange;
    const payload = text(element).trim();
    let data: Buffer;
    if (payload === '') {
      if (element.name === 'auth') return this.challenge('');
      data = Buffer.alloc(0);
    } else data = Buffer.from(payload === '=' ? '' : payload, 'base64');
    const step = await exchange.step(data);
    if (step.kind === 'challenge') return this.challenge(step.data);
    this.exchange = undefined;
    if (step.kind === 'failure') return this.failure(step.condition, step.text);
    if (step.kind === 'rate-limited') {
      // RFC 6120 6.5.12: temporary-auth-failure, "try again later", with when in the text.
      const seconds = Math.ceil(step.retryAfterMs / 1000);
      this.write(
        `<failure xmlns="${NS.sasl}"><temporary-auth-failure/><text xml:lang="en">Too many failed logins from your address: retry in ${seconds} s.</text></failure>`,
      );
      return { kind: 'rate-limited', retryAfterMs: step.retryAfterMs };
    }
    const extra = step.data === undefined ? '' : Buffer.from(step.data).toString('base64');
    this.write(`<success xmlns="${NS.sasl}">${extra}</success>`);
    return { kind: 'success', auth: step.auth };
  }

  private challenge(data: string): SaslOutcome {
    this.write(`<challenge xmlns="${NS.sasl}">${Buffer.from(data).toString('base64') || '='}</challenge>`);
    return { kind: 'pending' };
  }

  private failure(condition: string, text?: string): SaslOutcome {
    const reason = text === undefined ? '' : `<text xml:lang="en">${escapeText(text)}</text>`;
    this.write(`<failure xmlns="${NS.sasl}"><${condition}/>${reason}</failure>`);
    return ++this.failures >= MAX_AUTH_FAILURES ? { kind: 'too-many-failures' } : { kind: 'pending' };
  }
}
