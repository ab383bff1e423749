/**
 * A small reader of the Prometheus text exposition format (version 0.0.4), enough for
 * the figures of `GET /v1/admin/metrics`: `# HELP` and `# TYPE` lines are skipped,
 * every sample line becomes `{ name, labels, value }`. Label values may hold escaped
 * `\\`, `\"` and `\n`; a line that does not parse is skipped rather than thrown at,
 * so one odd metric does not blank a dashboard.
 */

/** One sample: `parley_ws_frames_total{type="message.send"} 12` */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number | undefined {
  switch (text) {
    case '+Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    case 'NaN':
      return Number.NaN;
  }
  const value = Number(text);
  return text !== '' && !Number.isNaN(value) ? value : undefined;
}

/** The labels between `{` and `}` starting at `line[start]` (after the `{`); the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i += 1;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (name === undefined || line[i + name.length] !== '=' || line[i + name.length + 1] !== '"') return undefined;
    i += name.length + 2;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return undefined;
      i += 1;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[i];
        i += 1;
        value += next === 'n' ? '\n' : (next ?? '');
      } else {
        value += c;
      }
    }
    labels[name] = value;
  }
}

/**
 * Parses the exposition text into samples, in order.
 *
 * @example
 * ```ts
 * const samples = parsePrometheusText(await (await fetch('/metrics')).text());
 * const connections = samples.find((s) => s.name === 'parley_ws_connections')?.value;
 * ```
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (name === undefined) continue;
    let labels: Record<string, string> = {};
    let rest = line.slice(name.length);
    if (rest.startsWith('{')) {
      const parsed = parseLabels(line, name.length + 1);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = line.slice(parsed.end);
    }
    // The value, then an optional timestamp.
    const value = parseValue(rest.trim().split(/\s+/)[0] ?? '');
    if (value === undefined) continue;
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The sum of every sample of `name` whose labels include `match` (0 when there is none). */
export function sumSamples(samples: readonly MetricSample[], name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (Object.entries(match).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
  }
  return total;
}
