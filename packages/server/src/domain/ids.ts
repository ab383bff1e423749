/**
 * Id generation: a prefix naming the kind, then 10 characters of time (so ids sort
 * roughly by creation) and 12 random characters. Ids never encode anything else.
 */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = alphabet[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function randomPart(length: number): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % 32]!;
  return out;
}

/** u: user, c: conversation, m: message, s: session, k: connection, r: report, f: file, e: bus event, kp: key package, w: MLS Welcome, v: call, wh: webhook, wa: webhook attempt, ih: incoming webhook, j: job, ps: push subscription, i: interaction, lh: legal hold, si: server invite */
export type IdKind =
  | 'u'
  | 'c'
  | 'm'
  | 's'
  | 'k'
  | 'r'
  | 'f'
  | 'e'
  | 'kp'
  | 'w'
  | 'v'
  | 'wh'
  | 'wa'
  | 'ih'
  | 'j'
  | 'ps'
  | 'i'
  | 'lh'
  | 'si'
  | 'ph';

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${kind}_${encodeTime(now)}${randomPart(12)}`;
}

let lastEventTime = 0;
let eventCounter = 0;

/**
 * A bus event id: like `newId('e')`, but ids made by one process sort in the order
 * they were made (a counter after the time), so the outbox can be read back in
 * commit order whatever the clock's resolution.
 */
export function newEventId(now: number = Date.now()): string {
  if (now > lastEventTime) {
    lastEventTime = now;
    eventCounter = 0;
  } else {
    eventCounter += 1;
  }
  let counter = '';
  let value = eventCounter;
  for (let i = 0; i < 4; i++) {
    counter = alphabet[value % 32]! + counter;
    value = Math.floor(value / 32);
  }
  return `e_${encodeTime(lastEventTime)}${counter}${randomPart(8)}`;
}

/** The unique key of the direct conversation between two users. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
