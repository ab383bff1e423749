/**
 * The canonical encoding of an audit log entry (docs/adr/0012): the exact text
 * whose SHA-256 is the entry's hash. Pure: the store hashes it when it appends,
 * `parley audit verify` hashes it again and compares. Changing this encoding
 * breaks every existing chain: bump the version and keep the old one verifiable.
 */

export const AUDIT_ENCODING_VERSION = 1;

/** The fields of an entry that its hash covers (all of them but the hash itself). */
export interface AuditFields {
  seq: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  address: string | null;
  /** Canonical JSON (canonicalJson), as stored. */
  details: string;
  prevHash: string;
}

/** JSON with object keys sorted at every depth and no spaces: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The text hashed for one entry: a JSON array of the fields in a fixed order, prefixed by the version. */
export function auditEntryText(entry: AuditFields): string {
  return JSON.stringify([
    AUDIT_ENCODING_VERSION,
    entry.seq,
    entry.at,
    entry.actorId,
    entry.actorName,
    entry.action,
    entry.target,
    entry.address,
    entry.details,
    entry.prevHash,
  ]);
}
