/**
 * HTML the way Google serves it where a CSV was expected. The sign-in page keeps the markers a
 * real one has near its top (a base href on accounts.google.com, "Sign in" in the title); the
 * error pages have none of them, so they must come out as SHEET_NOT_FOUND/SHEET_NOT_CSV, not
 * SHEET_NOT_PUBLIC.
 */
export function signInPage(continueUrl: string): string {
  return `<!doctype html><html lang="en-US" dir="ltr"><head><base href="https://accounts.google.com/v3/signin/">
<meta charset="utf-8"><title>Sign in - Google Accounts</title></head>
<body><form action="/v3/signin/identifier" method="post"><input type="hidden" name="continue" value="${escapeHtml(continueUrl)}">
<h1>Sign in</h1><p>to continue to Sheets</p><input type="email" name="identifier"></form></body></html>`;
}

export function notFoundPage(): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Google Sheets - Page Not Found</title></head>
<body><p>Sorry, unable to open the file at this time.</p><p>Please check the address and try again.</p></body></html>`;
}

export function badRequestPage(): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error 400 (Bad Request)!!1</title></head>
<body><p><b>400.</b> <ins>That’s an error.</ins></p><p>Your client has issued a malformed or illegal request.</p></body></html>`;
}

export function serverErrorPage(status: number): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error ${status}</title></head>
<body><p><b>${status}.</b> <ins>That’s an error.</ins></p><p>Please try again later.</p></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
