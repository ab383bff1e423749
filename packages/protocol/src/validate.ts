/**
 * Schema checks that run anywhere, including a browser under a strict CSP (no
 * compiled validators, which use `new Function`). The server compiles its own
 * validators from the same schemas for speed.
 */
import type { TSchema, Static } from 'typebox';
import Value from 'typebox/value';

export interface SchemaProblem {
  path: string;
  message: string;
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; problems: SchemaProblem[] };

export function checkValue<S extends TSchema>(schema: S, value: unknown): CheckResult<Static<S>> {
  if (Value.Check(schema, value)) return { ok: true, value: value };
  const problems = [...Value.Errors(schema, value)]
    .slice(0, 10)
    .map((e) => ({ path: e.instancePath || '/', message: e.message }));
  return { ok: false, problems };
}
