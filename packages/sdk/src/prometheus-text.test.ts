import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumSamples } from './prometheus-text';

const TEXT = `# HELP parley_ws_connections Open WebSocket connections
# TYPE parley_ws_connections gauge
parley_ws_connections 3
# TYPE parley_errors_total counter
parley_errors_total{code="forbidden",gateway="ws"} 2
parley_errors_total{code="not_found",gateway="http"} 5 1700000000000
parley_odd{path="a\\\\b \\"q\\"\\nx",other="1"} 1.5e3
parley_request_duration_seconds_bucket{le="+Inf"} +Inf
broken{unterminated="x 4
not a sample
parley_nan NaN
`;

describe('parsePrometheusText', () => {
  const samples = parsePrometheusText(TEXT);

  it('reads names, labels (with escapes) and values, and skips comments and broken lines', () => {
    expect(samples.map((s) => s.name)).toEqual([
      'parley_ws_connections',
      'parley_errors_total',
      'parley_errors_total',
      'parley_odd',
      'parley_request_duration_seconds_bucket',
      'parley_nan',
    ]);
    expect(samples[0]).toEqual({ name: 'parley_ws_connections', labels: {}, value: 3 });
    expect(samples[2]).toEqual({
      name: 'parley_errors_total',
      labels: { code: 'not_found', gateway: 'http' },
      value: 5,
    });
    expect(samples[3]?.labels).toEqual({ path: 'a\\b "q"\nx', other: '1' });
    expect(samples[3]?.value).toBe(1500);
    expect(samples[4]?.value).toBe(Number.POSITIVE_INFINITY);
    expect(samples[5]?.value).toBeNaN();
  });

  it('sums the samples of a name whose labels match', () => {
    expect(sumSamples(samples, 'parley_errors_total')).toBe(7);
    expect(sumSamples(samples, 'parley_errors_total', { gateway: 'ws' })).toBe(2);
    expect(sumSamples(samples, 'missing')).toBe(0);
  });
});
