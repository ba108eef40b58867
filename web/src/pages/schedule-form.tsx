import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Customer, CustomerPatch } from '../../client/index.js';
import { useApi } from '../auth.js';
import { errorWords } from '../format.js';
import { LeadsApiError } from '../../client/index.js';

/** Schedule (every N minutes, or cron + time zone) and sync options of one customer. */
export function ScheduleForm({ customer }: { customer: Customer }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const cron = 'cron' in customer.schedule ? customer.schedule : null;
  const [kind, setKind] = useState<'interval' | 'cron'>(cron ? 'cron' : 'interval');
  const [minutes, setMinutes] = useState(
    'intervalMinutes' in customer.schedule ? customer.schedule.intervalMinutes : 10,
  );
  const [expression, setExpression] = useState(cron?.cron ?? '0 * * * *');
  const [timezone, setTimezone] = useState(cron?.timezone ?? 'UTC');
  const [threshold, setThreshold] = useState(customer.deleteThresholdPercent);
  const [dateOrder, setDateOrder] = useState(customer.dateOrder === 'MDY' ? 'MDY' : 'DMY');
  const save = useMutation({
    mutationFn: (patch: CustomerPatch) => api.updateCustomer(customer.id, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customer', customer.id] }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      schedule: kind === 'interval' ? { intervalMinutes: minutes } : { cron: expression, timezone },
      deleteThresholdPercent: threshold,
      dateOrder: dateOrder === 'MDY' ? 'MDY' : 'DMY',
    });
  };
  const error =
    save.error instanceof LeadsApiError
      ? errorWords(save.error.code, save.error.message)
      : save.error?.message;

  return (
    <form className="form-grid" onSubmit={submit} aria-label="Schedule and options">
      <fieldset>
        <legend>Schedule</legend>
        <label>
          <input
            type="radio"
            name="kind"
            checked={kind === 'interval'}
            onChange={() => setKind('interval')}
          />{' '}
          Every
        </label>
        <label>
          Minutes between syncs
          <input
            type="number"
            min={1}
            value={minutes}
            disabled={kind !== 'interval'}
            onChange={(e) => setMinutes(Number(e.target.value))}
          />
        </label>
        <label>
          <input type="radio" name="kind" checked={kind === 'cron'} onChange={() => setKind('cron')} /> Cron
        </label>
        <label>
          Cron expression
          <input
            value={expression}
            disabled={kind !== 'cron'}
            onChange={(e) => setExpression(e.target.value)}
          />
        </label>
        <label>
          Time zone
          <input value={timezone} disabled={kind !== 'cron'} onChange={(e) => setTimezone(e.target.value)} />
        </label>
      </fieldset>
      <label>
        Hold a sync that would delete more than (%)
        <input
          type="number"
          min={0}
          max={100}
          value={threshold}
          onChange={(e) => setThreshold(Number(e.target.value))}
        />
      </label>
      <label>
        Dates in the sheet are written
        <select value={dateOrder} onChange={(e) => setDateOrder(e.target.value)}>
          <option value="DMY">day/month/year</option>
          <option value="MDY">month/day/year</option>
        </select>
      </label>
      <div>
        <button type="submit" disabled={save.isPending}>
          Save schedule and options
        </button>{' '}
        {save.isSuccess && <span role="status">Saved.</span>}
        {error && (
          <span role="alert" className="error-text">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
