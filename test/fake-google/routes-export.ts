import type { ServerResponse } from 'node:http';
import { answerConditional } from './conditional.js';
import { sendBody, type Fault } from './faults.js';
import { badRequestPage, notFoundPage, serverErrorPage, signInPage } from './pages.js';
import type { FakeSheet, Route, RouteContext } from './state.js';

const CSV = 'text/csv; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/**
 * docs.google.com as the CSV export sees it: `/spreadsheets/d/ID/export?format=csv[&gid=N]`
 * (first tab without gid, 400 page for a missing tab, 404 page for an unknown spreadsheet,
 * redirect to sign-in for a private one) and published links `/spreadsheets/d/e/ID/pub`.
 */
export const exportRoute: Route = (ctx) => {
  const match = /^\/spreadsheets\/d\/([^/]+)\/export$/.exec(ctx.url.pathname);
  if (!match?.[1]) return false;
  const id = decodeURIComponent(match[1]);
  const fault = ctx.state.faults.take(id);
  if (answerFault(ctx, fault)) return true;
  const sheet = ctx.state.sheets.get(id);
  if (!sheet) return html(ctx.res, 404, notFoundPage());
  if (ctx.url.searchParams.get('format') !== 'csv') return html(ctx.res, 400, badRequestPage());
  if (sheet.private) return redirectToSignIn(ctx);
  return sendTab(ctx, sheet, fault, `${id}.csv`);
};

export const publishedRoute: Route = (ctx) => {
  const match = /^\/spreadsheets\/d\/e\/([^/]+)\/pub$/.exec(ctx.url.pathname);
  if (!match?.[1]) return false;
  const id = decodeURIComponent(match[1]);
  const fault = ctx.state.faults.take(id);
  if (answerFault(ctx, fault)) return true;
  const sheet = ctx.state.published.get(id);
  if (!sheet) return html(ctx.res, 404, notFoundPage());
  if (ctx.url.searchParams.get('output') !== 'csv')
    return html(ctx.res, 200, '<html><body>published</body></html>');
  return sendTab(ctx, sheet, fault, 'published.csv');
};

/** Where private sheets send people: an HTML page, which must never be parsed as CSV. */
export const signInRoute: Route = (ctx) => {
  if (!/\/ServiceLogin$/.test(ctx.url.pathname)) return false;
  return html(ctx.res, 200, signInPage(ctx.url.searchParams.get('continue') ?? ''));
};

/** Plain CSV URLs registered with setFile/setRedirect (any other path: 404). */
export const fileRoute: Route = (ctx) => {
  const file = ctx.state.files.get(ctx.url.pathname);
  if (!file) return false;
  const fault = ctx.state.faults.take(ctx.url.pathname);
  if (answerFault(ctx, fault)) return true;
  if (file.kind === 'redirect') {
    ctx.res.writeHead(file.status, { location: file.location }).end();
    return true;
  }
  const body = Buffer.from(file.body);
  const validators = answerConditional(ctx.req, ctx.res, body, file.modifiedAt, file.conditional);
  if (!validators) return true;
  sendBody(ctx.res, body, {
    headers: validators,
    status: file.status,
    contentType: file.contentType,
    contentLength: file.contentLength,
    fault,
    gzip: file.gzip,
    req: ctx.req,
  });
  return true;
};

function sendTab(ctx: RouteContext, sheet: FakeSheet, fault: Fault | undefined, filename: string): boolean {
  const gid = ctx.url.searchParams.get('gid');
  const tab = gid === null ? sheet.tabs[0] : sheet.tabs.find((t) => t.gid === gid);
  if (!tab) return html(ctx.res, 400, badRequestPage());
  const body = Buffer.from(tab.csv);
  const validators = answerConditional(ctx.req, ctx.res, body, sheet.modifiedAt, sheet.conditional);
  if (!validators) return true;
  sendBody(ctx.res, body, {
    contentType: CSV,
    contentLength: sheet.contentLength,
    headers: { 'content-disposition': `attachment; filename="${filename}"`, ...validators },
    fault,
    gzip: sheet.gzip,
    req: ctx.req,
  });
  return true;
}

/** Status and sign-in faults answer instead of the sheet; body faults are left to sendBody. */
export function answerFault(ctx: RouteContext, fault: Fault | undefined): boolean {
  if (!fault) return false;
  if ('status' in fault) {
    const headers = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
    ctx.res.writeHead(fault.status, { 'content-type': HTML, ...headers }).end(serverErrorPage(fault.status));
    return true;
  }
  if ('redirectToSignIn' in fault) return redirectToSignIn(ctx);
  if ('htmlSignInPage' in fault) return html(ctx.res, 200, signInPage(ctx.url.href));
  if ('page' in fault) {
    ctx.res.writeHead(200, { 'content-type': fault.contentType }).end(fault.page);
    return true;
  }
  return false;
}

function redirectToSignIn(ctx: RouteContext): boolean {
  const target = `${ctx.state.baseUrl}/accounts/ServiceLogin?continue=${encodeURIComponent(ctx.url.href)}`;
  ctx.res.writeHead(307, { location: target, 'content-type': HTML }).end();
  return true;
}

function html(res: ServerResponse, status: number, page: string): boolean {
  res.writeHead(status, { 'content-type': HTML }).end(page);
  return true;
}
