/**
 * The side-by-side report: one row per run (server x round) as a Markdown table,
 * the median of each server over its rounds, and Parley's ratios against each
 * other server, oriented so that a ratio above 1 means Parley did better.
 */
import type { XmppRunResult } from './load';

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

export interface ServerSummary {
  server: string;
  runs: number;
  deliveredPerS: number;
  p50: number;
  p99: number;
  lost: number;
  rssPerConnectionKB: number;
  peakRssMB: number;
  cpuSPer1000: number;
}

export function summarizeServer(server: string, runs: readonly XmppRunResult[]): ServerSummary {
  const mine = runs.filter((r) => r.server === server);
  return {
    server,
    runs: mine.length,
    deliveredPerS: median(mine.map((r) => r.deliveredPerS)),
    p50: median(mine.map((r) => r.latencyMs.p50)),
    p99: median(mine.map((r) => r.latencyMs.p99)),
    lost: mine.reduce((sum, r) => sum + r.lost, 0),
    // A negative difference is garbage collected between rounds, not a measurement.
    rssPerConnectionKB: median(
      mine.map((r) => ((r.rss.perConnectionKB ?? 0) > 0 ? r.rss.perConnectionKB! : Number.NaN)),
    ),
    peakRssMB: median(mine.map((r) => r.rss.peakMB ?? Number.NaN)),
    cpuSPer1000: median(mine.map((r) => r.serverCpuSPer1000 ?? Number.NaN)),
  };
}

export interface Ratio {
  parley: string;
  other: string;
  /** Parley's delivered/s over the other's. */
  throughput: number;
  /** The other's latency over Parley's (above 1: Parley is faster). */
  p50: number;
  p99: number;
  /** The other's server CPU per message over Parley's (above 1: Parley is cheaper). */
  cpu: number;
  /** The other's RSS per connection over Parley's (above 1: Parley is leaner). */
  rssPerConnection: number;
}

export function ratio(parley: ServerSummary, other: ServerSummary): Ratio {
  const over = (a: number, b: number) => (b > 0 && a > 0 ? a / b : Number.NaN);
  return {
    parley: parley.server,
    other: other.server,
    throughput: over(parley.deliveredPerS, other.deliveredPerS),
    p50: over(other.p50, parley.p50),
    p99: over(other.p99, parley.p99),
    cpu: over(other.cpuSPer1000, parley.cpuSPer1000),
    rssPerConnection: over(other.rssPerConnectionKB, parley.rssPerConnectionKB),
  };
}

export function ratios(summaries: readonly ServerSummary[]): Ratio[] {
  const parleys = summaries.filter((s) => s.server.startsWith('parley'));
  const others = summaries.filter((s) => !s.server.startsWith('parley'));
  return parleys.flatMap((p) => others.map((o) => ratio(p, o)));
}

const f = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '-');

export function runTable(runs: readonly (XmppRunResult & { round: number })[]): string {
  const head =
    '| round | server | sent / delivered / lost / dup | other stanzas | delivered/s | e2e p50 / p95 / p99 / max (ms) | errors | server CPU s (per 1k msgs) | RSS before / after login / peak (MB) | RSS per conn (KB) | login s | generator CPU % | load avg |';
  const sep = '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const rows = runs.map((r) => {
    const errors = Object.entries(r.errors)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    const l = r.latencyMs;
    return `| ${r.round} | ${r.server} | ${r.sent} / ${r.delivered} / ${r.lost} / ${r.duplicates} | ${r.otherStanzas} | ${f(r.deliveredPerS, 0)} | ${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)} / ${f(l.max)} | ${errors || 'none'} | ${f(r.serverCpuS)} (${f(r.serverCpuSPer1000, 2)}) | ${f(r.rss.beforeLoginMB)} / ${f(r.rss.afterLoginMB)} / ${f(r.rss.peakMB)} | ${f(r.rss.perConnectionKB)} | ${f(r.loginS)} | ${f(r.generatorCpuPct, 0)} | ${r.loadAverage[0] ?? '-'} |`;
  });
  return [head, sep, ...rows].join('\n');
}

export function summaryTable(summaries: readonly ServerSummary[]): string {
  const head =
    '| server | runs | delivered/s | e2e p50 / p99 (ms) | lost (all runs) | server CPU s per 1k msgs | RSS per conn (KB) | peak RSS (MB) |';
  const sep = '| --- | --- | --- | --- | --- | --- | --- | --- |';
  const rows = summaries.map(
    (s) =>
      `| ${s.server} | ${s.runs} | ${f(s.deliveredPerS, 0)} | ${f(s.p50)} / ${f(s.p99)} | ${s.lost} | ${f(s.cpuSPer1000, 2)} | ${f(s.rssPerConnectionKB)} | ${f(s.peakRssMB)} |`,
  );
  return [head, sep, ...rows].join('\n');
}

export function ratioTable(list: readonly Ratio[]): string {
  const head = '| Parley vs | throughput | e2e p50 | e2e p99 | CPU per msg | RSS per conn |';
  const sep = '| --- | --- | --- | --- | --- | --- |';
  const rows = list.map(
    (r) =>
      `| ${r.parley} vs ${r.other} | ${x(r.throughput)} | ${x(r.p50)} | ${x(r.p99)} | ${x(r.cpu)} | ${x(r.rssPerConnection)} |`,
  );
  return [
    head,
    sep,
    ...rows,
    '',
    'Every ratio is oriented so that above 1 means Parley did better (more messages per second, lower latency, less CPU or memory).',
  ].join('\n');
}
