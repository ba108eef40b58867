import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SyncRun } from '../../client/index.js';
import { count, dayTime } from '../format.js';

/** Sync duration and rows changed per finished run, oldest on the left. */
export function RunCharts({ runs }: { runs: SyncRun[] }) {
  const data = runs
    .filter((r) => r.finishedAt !== null)
    .slice()
    .reverse()
    .map((r) => ({
      at: dayTime(r.startedAt),
      seconds: Math.round((r.durationMs ?? 0) / 100) / 10,
      inserted: r.rowsInserted,
      updated: r.rowsUpdated,
      deleted: r.rowsDeleted,
    }));
  if (data.length < 2) return <p className="empty">Charts appear after two finished runs.</p>;
  return (
    <div className="charts">
      <figure>
        <figcaption>Sync duration (seconds)</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" fontSize={11} />
            <YAxis fontSize={11} tickFormatter={count} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? count(v) : String(v))} />
            <Line
              type="linear"
              dataKey="seconds"
              name="Duration (s)"
              stroke="#1d4ed8"
              dot
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure>
        <figcaption>Rows changed per run</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" fontSize={11} />
            <YAxis fontSize={11} tickFormatter={count} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? count(v) : String(v))} />
            <Legend />
            <Bar dataKey="inserted" name="Inserted" stackId="r" fill="#15803d" isAnimationActive={false} />
            <Bar dataKey="updated" name="Updated" stackId="r" fill="#1d4ed8" isAnimationActive={false} />
            <Bar dataKey="deleted" name="Deleted" stackId="r" fill="#b91c1c" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
