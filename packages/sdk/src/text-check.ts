/**
 * The protocol's text rules checked before a message is queued: a text the server
 * would refuse (`invalid_text`) is rejected at once, with the server's details,
 * instead of waiting in the outbox for a connection only to be refused then.
 * No I/O.
 */
import { checkText, codePointLabel, type TextField } from '@parley/protocol';
import { ParleyError } from './errors';

/**
 * Free text in the form the server stores it (CR LF becomes LF).
 * @throws ParleyError `invalid_text` with `details.field`, `codePoint`, `index` and `reason`
 */
export function checkedText(field: TextField, text: string): string {
  const checked = checkText(text);
  if (checked.ok) return checked.value;
  const { index, codePoint, reason } = checked.refused;
  const label = codePointLabel(codePoint);
  throw new ParleyError('invalid_text', `The ${field} contains ${label} at ${index}, which Parley does not accept.`, {
    details: { field, codePoint: label, index, reason },
  });
}
