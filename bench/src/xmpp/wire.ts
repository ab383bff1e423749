/**
 * Pure helpers of the XMPP load generator: the stanzas it writes (pre-built
 * strings, so that the client side stays cheap), the send time carried in each
 * message body, and the resident memory and CPU time of a server process read
 * from /proc.
 */

export const NS = {
  tls: 'urn:ietf:params:xml:ns:xmpp-tls',
  sasl: 'urn:ietf:params:xml:ns:xmpp-sasl',
  bind: 'urn:ietf:params:xml:ns:xmpp-bind',
  session: 'urn:ietf:params:xml:ns:xmpp-session',
  ping: 'urn:xmpp:ping',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
} as const;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function streamHeader(domain: string): string {
  return `<?xml version='1.0'?><stream:stream to='${escapeXml(domain)}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`;
}

/** The body of message `n` of run `tag`, sent at `sentAt` (epoch ms, sub-ms precision). */
export function messageBody(tag: string, n: number, sentAt: number): string {
  return `${tag} ${sentAt.toFixed(3)} #${n}`;
}

/**
 * The send time in a body written by `messageBody` for this run's tag; undefined
 * for anything else (a message of another run, a warm-up, a server notice).
 */
export function sentAtOf(body: string, tag: string): number | undefined {
  if (!body.startsWith(`${tag} `)) return undefined;
  const start = tag.length + 1;
  const end = body.indexOf(' ', start);
  if (end < 0) return undefined;
  const value = Number(body.slice(start, end));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The message number in a body written by `messageBody`, or undefined. */
export function messageNumberOf(body: string): number | undefined {
  const hash = body.lastIndexOf(' #');
  if (hash < 0) return undefined;
  const n = Number(body.slice(hash + 2));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function chatMessage(to: string, id: string, body: string): string {
  return `<message type='chat' to='${escapeXml(to)}' id='${escapeXml(id)}'><body>${escapeXml(body)}</body></message>`;
}

/** VmRSS of a /proc/<pid>/status text, in bytes; undefined when absent (e.g. a zombie). */
export function parseVmRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * User + system CPU time of a /proc/<pid>/stat line, in clock ticks (usually 100
 * per second). The command name (field 2) may hold spaces and parentheses, so
 * fields are counted from the last `)`.
 */
export function parseCpuTicks(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}
