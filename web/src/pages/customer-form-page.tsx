import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { LeadsApiError, type Customer } from '../../client/index.js';
import { useApi } from '../auth.js';
import { errorWords } from '../format.js';
import { href, navigate } from '../router.js';
import { SheetCheckResult } from './sheet-check-result.js';

const words = (error: Error | null) =>
  error instanceof LeadsApiError ? errorWords(error.code, error.message) : (error?.message ?? null);

/** Add a customer (id undefined) or edit one: name, sheet link with "Check sheet", key column. */
export function CustomerFormPage({ id }: { id?: string }) {
  const api = useApi();
  const existing = useQuery({
    queryKey: ['customer', id, 'details'],
    queryFn: () => api.getCustomer(id as string),
    enabled: id !== undefined,
  });
  if (id !== undefined && !existing.data) return <p aria-busy="true">Loading customer…</p>;
  return <CustomerForm customer={existing.data} />;
}

function CustomerForm({ customer }: { customer: Customer | undefined }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState(customer?.name ?? '');
  const [sheetUrl, setSheetUrl] = useState(customer?.sheetUrl ?? '');
  const [keyColumn, setKeyColumn] = useState(customer?.keyColumn ?? '');
  const check = useMutation({
    mutationFn: () => api.validateSheet({ sheetUrl: sheetUrl.trim(), keyColumn: keyColumn.trim() || null }),
  });
  const save = useMutation({
    mutationFn: () => {
      const fields = { name, sheetUrl: sheetUrl.trim(), keyColumn: keyColumn.trim() || null };
      return customer ? api.updateCustomer(customer.id, fields) : api.createCustomer(fields);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['customers'] });
      await queryClient.invalidateQueries({ queryKey: ['customer', saved.id] });
      navigate(href.customer(saved.id));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const checkError = words(check.error);
  const saveError = words(save.error);

  return (
    <section aria-labelledby="form-title">
      <p className="crumbs">
        <a href={href.overview()}>All customers</a> /
      </p>
      <h1 id="form-title">{customer ? `Edit ${customer.name}` : 'Add a customer'}</h1>
      <form className="form-grid" onSubmit={submit}>
        <label>
          Customer name
          <input required value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Google Sheet link (or a CSV URL)
          <input
            required
            value={sheetUrl}
            onChange={(e) => (setSheetUrl(e.target.value), check.reset())}
            placeholder="https://docs.google.com/spreadsheets/d/…/edit#gid=0"
            inputMode="url"
          />
        </label>
        <label>
          Key column (optional: a column that identifies a lead, such as “Lead ID”)
          <input value={keyColumn} onChange={(e) => setKeyColumn(e.target.value)} />
        </label>
        <div className="actions">
          <button type="button" disabled={!sheetUrl.trim() || check.isPending} onClick={() => check.mutate()}>
            {check.isPending ? 'Checking…' : 'Check sheet'}
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            {customer ? 'Save changes' : 'Save customer'}
          </button>
        </div>
        {checkError && (
          <p role="alert" className="error-text">
            {checkError}
          </p>
        )}
        {saveError && (
          <p role="alert" className="error-text">
            {saveError}
          </p>
        )}
      </form>
      {check.data && <SheetCheckResult check={check.data} keyColumn={keyColumn.trim() || undefined} />}
      {!check.data && !checkError && (
        <p className="muted">
          Paste the link and choose “Check sheet” to see what leadsync will read before saving.
        </p>
      )}
    </section>
  );
}
