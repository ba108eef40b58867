import { useQuery } from '@tanstack/react-query';
import { useApi } from '../auth.js';
import { count, locale } from '../format.js';

const HEIGHT = 64;

/**
 * Syncs and failures per hour over the last 24 h: plain SVG bars (no chart library on the
 * overview), failures drawn over the syncs in red and hatched, so colour is not the only cue;
 * the figures are also in a table for screen readers.
 */
export function ActivityChart() {
  const api = useApi();
  const activity = useQuery({
    queryKey: ['activity'],
    queryFn: () => api.getActivity(24),
    refetchInterval: 60_000,
  });
  if (!activity.data) return <div className="activity" aria-busy="true" />;
  const hours = activity.data.hours;
  const max = Math.max(1, ...hours.map((h) => h.syncs));
  const hourLabel = (iso: string) =>
    new Date(iso).toLocaleTimeString(locale(), { hour: 'numeric', minute: '2-digit' });
  const total = hours.reduce((s, h) => s + h.syncs, 0);
  const failed = hours.reduce((s, h) => s + h.failures, 0);
  const width = 100 / hours.length;
  return (
    <figure className="activity">
      <figcaption>
        Last 24 h: {count(total)} syncs, {count(failed)} failed
      </figcaption>
      <svg viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <defs>
          <pattern
            id="hatch"
            width="2"
            height="2"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="1" height="2" fill="#b91c1c" />
          </pattern>
        </defs>
        {hours.map((h, i) => {
          const sy = (h.syncs / max) * HEIGHT;
          const fy = (h.failures / max) * HEIGHT;
          return (
            <g key={h.hour}>
              <title>{`${hourLabel(h.hour)}: ${count(h.syncs)} syncs, ${count(h.failures)} failed`}</title>
              <rect x={i * width + 0.3} width={width - 0.6} y={HEIGHT - sy} height={sy} fill="#93c5fd" />
              <rect x={i * width + 0.3} width={width - 0.6} y={HEIGHT - fy} height={fy} fill="url(#hatch)" />
            </g>
          );
        })}
      </svg>
      <div className="activity-axis" aria-hidden="true">
        <span>{hours[0] ? hourLabel(hours[0].hour) : ''}</span>
        <span>now</span>
      </div>
      <table className="visually-hidden">
        <caption>Syncs and failures per hour</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            <th scope="col">Syncs</th>
            <th scope="col">Failed</th>
          </tr>
        </thead>
        <tbody>
          {hours.map((h) => (
            <tr key={h.hour}>
              <td>{hourLabel(h.hour)}</td>
              <td>{h.syncs}</td>
              <td>{h.failures}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
