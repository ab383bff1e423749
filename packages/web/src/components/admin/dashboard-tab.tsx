/**
 * Live figures of this node, read from `GET /v1/admin/metrics` every POLL_MS while the
 * tab is open: connections, message and error rates, event-loop lag, queue depths.
 */
import { useEffect, useRef, useState } from 'react';
import { figuresOf, type Figures, type Reading } from '../../lib/admin-figures';
import type { AdminTabProps } from './admin-console';
import { errorText } from './admin-format';

const POLL_MS = 3000;

const perSecond = (value: number | null) => (value === null ? '…' : `${value.toFixed(2)}/s`);

export function DashboardTab({ api }: AdminTabProps) {
  const [figures, setFigures] = useState<Figures | undefined>();
  const [error, setError] = useState<string | undefined>();
  const previous = useRef<Reading | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const read = async () => {
      try {
        const reading = { at: Date.now(), samples: await api.adminMetrics() };
        if (!live) return;
        setFigures(figuresOf(reading, previous.current));
        previous.current = reading;
        setError(undefined);
      } catch (e) {
        if (live) setError(errorText(e));
      }
    };
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);
  const rows: [string, string][] = figures
    ? [
        ['Connections', String(figures.connections)],
        ['Messages', perSecond(figures.messageRate)],
        ['Errors', perSecond(figures.errorRate)],
        ['Event-loop lag', `${figures.eventLoopLagMs.toFixed(1)} ms`],
        ['Outbox queue', String(figures.outboxPending)],
        ['Dead-lettered jobs', String(figures.deadLettered)],
      ]
    : [];
  return (
    <div>
      <h3>This node, live</h3>
      <p className="hint">Read every {POLL_MS / 1000} seconds from the server’s metrics.</p>
      {error !== undefined && <p role="alert">{error}</p>}
      <dl className="admin-figures" data-testid="admin-figures" aria-busy={figures === undefined}>
        {rows.map(([label, value]) => (
          <div key={label} className="admin-figure">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
