import type { SheetCheck } from '../../client/index.js';
import { count } from '../format.js';

/** How a lead is recognised from one sync to the next, in the words of the sheet's owner. */
export function identityWords(check: Pick<SheetCheck, 'identity' | 'mappedFields'>, keyColumn?: string) {
  switch (check.identity) {
    case 'key_column':
      return keyColumn ? `by the column “${keyColumn}” (your key column)` : 'by your key column';
    case 'id_column':
      return 'by the sheet’s ID column';
    case 'email':
      return check.mappedFields.email
        ? `by email address (column “${check.mappedFields.email}”)`
        : 'by email address';
    case 'content':
      return 'by their content (the sheet has no ID or email column, so an edited row counts as a new lead)';
    default:
      return `by ${check.identity}`;
  }
}

/** What "Check sheet" found: the header row, how columns map to lead fields, the size and a sample. */
export function SheetCheckResult({
  check,
  keyColumn,
}: {
  check: SheetCheck;
  keyColumn?: string | undefined;
}) {
  const columns = check.headers;
  return (
    <div className="card check" role="status" aria-label="Sheet check result">
      <p>
        <strong>The sheet can be read.</strong> Header found on row {count(check.headerRow)};{' '}
        {count(check.rowCount)} lead rows; leads are recognised {identityWords(check, keyColumn)}.
      </p>
      <h3>Mapped fields</h3>
      {Object.keys(check.mappedFields).length === 0 ? (
        <p className="muted">
          No column matched a lead field (name, email, phone…); every column is kept as sheet data.
        </p>
      ) : (
        <ul className="mapped">
          {Object.entries(check.mappedFields).map(([field, header]) => (
            <li key={field}>
              <code>{header}</code> → {field}
            </li>
          ))}
        </ul>
      )}
      <h3>Sample rows</h3>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Row</th>
              {columns.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {check.sample.map((row) => (
              <tr key={row.key}>
                <td className="num">{row.sheetRow}</td>
                {columns.map((h) => (
                  <td key={h}>{row.cells[h] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
