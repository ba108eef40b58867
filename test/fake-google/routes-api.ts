import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeJwt, jwtVerify } from 'jose';
import { asApiValues, parseCsv } from './csv.js';
import { answerFault } from './routes-export.js';
import { sendBody } from './faults.js';
import type { FakeSheet, Route, RouteContext } from './state.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';

/**
 * oauth2.googleapis.com/token: the JWT-bearer grant, with the assertion verified against the
 * public key of the service account that signed it (registered by generateServiceAccountKey).
 */
export const tokenRoute: Route = async (ctx) => {
  if (ctx.url.pathname !== '/token' || ctx.req.method !== 'POST') return false;
  if (answerFault(ctx, ctx.state.faults.take('token'))) return true;
  const form = new URLSearchParams(ctx.body);
  if (form.get('grant_type') !== JWT_BEARER) return oauthError(ctx.res, 400, 'unsupported_grant_type');
  const assertion = form.get('assertion') ?? '';
  let email: string;
  let scopes: string[];
  try {
    email = String(decodeJwt(assertion).iss);
    const publicKey = ctx.state.publicKeys.get(email);
    if (!publicKey) return oauthError(ctx.res, 400, 'invalid_grant', 'Invalid JWT: unknown issuer');
    const { payload } = await jwtVerify(assertion, publicKey, {
      algorithms: ['RS256'],
      issuer: email,
      audience: `${ctx.state.baseUrl}/token`,
      maxTokenAge: '1h',
      currentDate: new Date(ctx.state.now()),
    });
    scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(SCOPE)) return oauthError(ctx.res, 400, 'invalid_scope');
    if (payload.exp === undefined || payload.iat === undefined || payload.exp - payload.iat > 3600) {
      return oauthError(ctx.res, 400, 'invalid_grant', 'Invalid JWT: exp too far');
    }
  } catch {
    return oauthError(ctx.res, 400, 'invalid_grant', 'Invalid JWT Signature.');
  }
  const token = `ya29.fake-${randomBytes(12).toString('hex')}`;
  const lifetime = ctx.state.tokenLifetimeSeconds;
  ctx.state.tokens.set(token, { email, expiresAtMs: ctx.state.now() + lifetime * 1000, scopes });
  return json(ctx.res, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
};

/** sheets.googleapis.com/v4/spreadsheets/ID (metadata) and /v4/spreadsheets/ID/values/RANGE. */
export const sheetsApiRoute: Route = (ctx) => {
  const match = /^\/v4\/spreadsheets\/([^/]+)(?:\/values\/([^/]+))?$/.exec(ctx.url.pathname);
  if (!match?.[1]) return false;
  const id = decodeURIComponent(match[1]);
  // `ID/values` targets the values request only; `ID` both requests.
  const fault =
    (match[2] === undefined ? undefined : ctx.state.faults.take(`${id}/values`)) ?? ctx.state.faults.take(id);
  if (answerFault(ctx, fault)) return true;
  const caller = callerOf(ctx);
  if (!caller)
    return apiError(ctx.res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
  const sheet = ctx.state.sheets.get(id);
  if (!sheet) return apiError(ctx.res, 404, 'NOT_FOUND', 'Requested entity was not found.');
  if (sheet.private && !sheet.sharedWith.has(caller)) {
    return apiError(ctx.res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
  }
  if (match[2] === undefined) {
    const sheets = sheet.tabs.map((t) => ({ properties: { sheetId: Number(t.gid), title: t.title } }));
    return json(ctx.res, 200, { sheets });
  }
  const range = decodeURIComponent(match[2]);
  const tab = tabOfRange(sheet, range);
  if (!tab) return apiError(ctx.res, 400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
  const body = { range, majorDimension: 'ROWS', values: asApiValues(parseCsv(tab.csv)) };
  sendBody(ctx.res, Buffer.from(JSON.stringify(body)), {
    contentType: 'application/json; charset=UTF-8',
    fault,
    gzip: sheet.gzip,
    req: ctx.req,
  });
  return true;
};

/** `'Leads ''25'` → tab "Leads '25"; an unquoted name works too, as in the real API. */
function tabOfRange(sheet: FakeSheet, range: string) {
  const quoted = /^'((?:[^']|'')*)'$/.exec(range);
  const title = quoted?.[1] !== undefined ? quoted[1].replace(/''/g, "'") : range;
  return sheet.tabs.find((t) => t.title === title);
}

function callerOf(ctx: RouteContext): string | null {
  const token = /^Bearer (.+)$/.exec(ctx.req.headers.authorization ?? '')?.[1];
  const issued = token === undefined ? undefined : ctx.state.tokens.get(token);
  if (!issued || issued.expiresAtMs <= ctx.state.now()) return null;
  return issued.email;
}

function json(res: ServerResponse, status: number, body: unknown): boolean {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  return true;
}

function apiError(res: ServerResponse, code: number, status: string, message: string): boolean {
  return json(res, code, { error: { code, message, status } });
}

function oauthError(res: ServerResponse, status: number, error: string, description?: string): boolean {
  return json(res, status, { error, ...(description ? { error_description: description } : {}) });
}
