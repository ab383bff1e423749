/** The final report of a load run: one JSON-friendly object and its table form. */
import os from 'node:os';
import type { Summary } from './stats';

export interface LoadReport {
  config: { clients: number; rate: number; durationS: number; server: string; synchronous: string };
  machine: { cpus: number; cpuModel: string; memoryGB: number; node: string; loadAverage: number[] };
  setupS: { register: number; connect: number };
  sent: number;
  acked: number;
  delivered: number;
  failedSends: number;
  /** Sends neither acked nor failed when the drain timed out (the server fell behind). */
  unsettled: number;
  disconnects: number;
  errors: Record<string, number>;
  /** Messages sent per second over the sending window (the target is config.rate). */
  sendRate: number;
  /** Messages received by their recipient per second, from the first send to the last delivery. */
  deliveredPerS: number;
  latencyMs: { endToEnd: Summary; ack: Summary };
  memory: {
    rssBeforeConnectMB: number | null;
    rssAfterConnectMB: number | null;
    perConnectionKB: number | null;
    peakRssMB: number | null;
    note: string;
  };
}

export function machine(): LoadReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1));
const mb = (v: number | null) => (v === null ? '-' : v.toFixed(1));

export function formatTable(r: LoadReport): string {
  const rows: [string, string][] = [
    ['server', r.config.server],
    [
      'machine',
      `${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGB} GB, Node ${r.machine.node}, load ${r.machine.loadAverage.join(' ')}`,
    ],
    ['clients / rate / duration', `${r.config.clients} / ${r.config.rate} msg/s / ${r.config.durationS} s`],
    ['setup', `register ${r.setupS.register.toFixed(1)} s, connect ${r.setupS.connect.toFixed(1)} s`],
    ['sent / acked / delivered', `${r.sent} / ${r.acked} / ${r.delivered}`],
    ['failed / unsettled / disconnects', `${r.failedSends} / ${r.unsettled} / ${r.disconnects}`],
    ['errors', Object.keys(r.errors).length === 0 ? 'none' : JSON.stringify(r.errors)],
    ['send rate', `${r.sendRate.toFixed(0)} msg/s`],
    ['throughput (delivered)', `${r.deliveredPerS.toFixed(0)} msg/s`],
    [
      'end-to-end p50 / p95 / p99 / max',
      `${ms(r.latencyMs.endToEnd.p50)} / ${ms(r.latencyMs.endToEnd.p95)} / ${ms(r.latencyMs.endToEnd.p99)} / ${ms(r.latencyMs.endToEnd.max)} ms`,
    ],
    [
      'ack p50 / p95 / p99 / max',
      `${ms(r.latencyMs.ack.p50)} / ${ms(r.latencyMs.ack.p95)} / ${ms(r.latencyMs.ack.p99)} / ${ms(r.latencyMs.ack.max)} ms`,
    ],
    [
      'RSS before / after connect / peak',
      `${mb(r.memory.rssBeforeConnectMB)} / ${mb(r.memory.rssAfterConnectMB)} / ${mb(r.memory.peakRssMB)} MB`,
    ],
    [
      'RSS per connection',
      `${r.memory.perConnectionKB === null ? '-' : r.memory.perConnectionKB.toFixed(1)} KB (${r.memory.note})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
