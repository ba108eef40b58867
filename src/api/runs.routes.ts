import { Type } from 'typebox';
import type { HeldLead } from '../db/leads-sync.repository.js';
import { findRunById, listRuns, type SyncRun } from '../db/sync-runs.repository.js';
import type { DeleteSetFingerprint } from '../sync/delete-set.js';
import type { PhaseMark } from '../sync/progress.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { Cursor, Id, Limit, RunSchema, withErrors } from './schemas.js';

/** Run history, newest first; a run is listed from its start (outcome null until it ends). */
export function registerRunRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/sync/runs',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['runs'],
        querystring: Type.Object({
          customerId: Type.Optional(Id),
          limit: Limit,
          before: Cursor,
        }),
        response: withErrors({
          200: Type.Object({
            runs: Type.Array(RunSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const { limit, before } = request.query;
      const customerId = request.query.customerId ?? scopedCustomerId(request.scope);
      if (customerId !== undefined) assertCustomerVisible(request.scope, customerId);
      const rows = await listRuns(ctx.db, { customerId, limit: limit + 1, before });
      const runs = rows.slice(0, limit);
      return {
        runs: runs.map(toRunJson),
        nextCursor: rows.length > limit ? (runs.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/api/leads/sync/runs/:runId',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['runs'],
        params: Type.Object({ runId: Id }),
        response: withErrors({ 200: RunSchema }),
      },
    },
    async (request) => {
      const { runId } = request.params;
      const run = isId(runId) ? await findRunById(ctx.db, runId) : undefined;
      const visible = run && (request.scope.kind === 'admin' || request.scope.customerId === run.customerId);
      if (!run || !visible) throw new LeadsyncError('RUN_NOT_FOUND', `No run with id ${runId}`);
      return toRunJson(run);
    },
  );
}

/** The contract's Run JSON (pendingDeletes only on held runs). */
export function toRunJson(run: SyncRun) {
  const {
    duplicateKeys: _d,
    bytes: _b,
    checksum: _c,
    headerRow: _h,
    details,
    workerId: _w,
    pendingDeletes,
    ...rest
  } = run;
  const sample = details?.pendingDeleteSample;
  const deleteSet = details?.deleteSet as DeleteSetFingerprint | undefined;
  const phases = details?.phases as PhaseMark[] | undefined;
  return {
    ...rest,
    ...(pendingDeletes !== null && { pendingDeletes }),
    ...(Array.isArray(sample) && { pendingDeleteSample: sample as HeldLead[] }),
    ...(deleteSet !== undefined && { deleteSet }),
    ...(Array.isArray(phases) && { phases }),
  };
}
