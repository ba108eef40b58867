import type { ServerResponse } from 'node:http';
import { answerFault } from './routes-export.js';
import type { Route, RouteContext } from './state.js';

/** The scope files.get needs (any Drive scope would do; this is the narrowest). */
export const DRIVE_METADATA_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';

/**
 * www.googleapis.com/drive/v3/files/ID?fields=version,modifiedTime: the spreadsheet's revision,
 * which goes up on every setSheet. Faults keyed `ID/drive` hit this request only. A sheet the
 * caller cannot see is 404, as Drive answers.
 */
export const driveFilesRoute: Route = (ctx) => {
  const match = /^\/drive\/v3\/files\/([^/]+)$/.exec(ctx.url.pathname);
  if (!match?.[1] || ctx.req.method !== 'GET') return false;
  const id = decodeURIComponent(match[1]);
  if (answerFault(ctx, ctx.state.faults.take(`${id}/drive`))) return true;
  const token = /^Bearer (.+)$/.exec(ctx.req.headers.authorization ?? '')?.[1];
  const issued = token === undefined ? undefined : ctx.state.tokens.get(token);
  if (!issued || issued.expiresAtMs <= ctx.state.now()) {
    return driveError(ctx, 401, 'Request had invalid authentication credentials.');
  }
  if (!issued.scopes.includes(DRIVE_METADATA_SCOPE)) {
    return driveError(ctx, 403, 'Request had insufficient authentication scopes.');
  }
  const sheet = ctx.state.sheets.get(id);
  if (!sheet || (sheet.private && !sheet.sharedWith.has(issued.email))) {
    return driveError(ctx, 404, `File not found: ${id}.`);
  }
  const fields = (ctx.url.searchParams.get('fields') ?? '').split(',');
  const file: Record<string, string> = {};
  if (fields.includes('version')) file.version = String(sheet.version);
  if (fields.includes('modifiedTime')) file.modifiedTime = new Date(sheet.modifiedAt).toISOString();
  return json(ctx.res, 200, file);
};

function driveError(ctx: RouteContext, code: number, message: string): boolean {
  return json(ctx.res, code, { error: { code, message, errors: [{ message }] } });
}

function json(res: ServerResponse, status: number, body: unknown): boolean {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  return true;
}
