/**
 * The protocol's text rules (packages/protocol/src/text-rules.ts) as the services
 * apply them: a text or a name in, its stored form out, or an `invalid_text`
 * AppError naming the field and the first refused character. What a blank name
 * means (a fallback, or a refusal) stays with each service. Pure.
 */
import { checkName, checkText, codePointLabel, type RefusedCharacter, type TextField } from '@parley/protocol';
import { AppError } from './errors';

const REASONS: Record<RefusedCharacter['reason'], string> = {
  control: 'a control character',
  lone_surrogate: 'a lone surrogate (broken UTF-16)',
  noncharacter: 'a Unicode noncharacter',
};

export function invalidText(field: TextField, refused: RefusedCharacter): AppError {
  const codePoint = codePointLabel(refused.codePoint);
  return new AppError(
    'invalid_text',
    `The ${field} contains ${REASONS[refused.reason]} (${codePoint} at ${refused.index}), which Parley does not accept.`,
    { details: { field, codePoint, index: refused.index, reason: refused.reason } },
  );
}

/** Free text as stored (CR LF -> LF). @throws AppError('invalid_text') */
export function cleanText(field: TextField, raw: string): string {
  const checked = checkText(raw);
  if (!checked.ok) throw invalidText(field, checked.refused);
  return checked.value;
}

/** Free text that may be absent or null; absent and null pass through. */
export function cleanOptionalText<T extends string | null | undefined>(field: TextField, raw: T): T {
  return (typeof raw === 'string' ? cleanText(field, raw) : raw) as T;
}

/** A name as stored (NFC, no bidi controls, no invisible ends); '' when blank. @throws AppError('invalid_text') */
export function cleanName(field: TextField, raw: string): string {
  const checked = checkName(raw);
  if (!checked.ok) throw invalidText(field, checked.refused);
  return checked.value;
}
