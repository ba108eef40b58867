import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APPS_SCRIPT_STEPS, appsScriptSnippet } from '../../web/src/apps-script.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the Apps Script that pushes a sheet’s changes', () => {
  const url = 'https://leadsync.example.com/api/push/<customerId>/<secret>';

  it('is in the README word for word, as the customer page shows it', () => {
    expect(readme).toContain(appsScriptSnippet(url));
  });

  it('calls the push URL with UrlFetchApp from an installable onChange trigger', () => {
    const script = appsScriptSnippet(url);
    expect(script).toContain(`const LEADSYNC_PUSH_URL = '${url}';`);
    expect(script).toMatch(/UrlFetchApp\.fetch\(LEADSYNC_PUSH_URL, \{ method: 'post'/);
    expect(script).toMatch(/ScriptApp\.newTrigger\('leadsyncPush'\)[^;]*\.onChange\(\)\.create\(\)/);
    expect(APPS_SCRIPT_STEPS).toHaveLength(3);
  });

  it('keeps a quote in the URL from ending the string', () => {
    expect(appsScriptSnippet("https://x.test/a'b")).toContain("'https://x.test/a\\'b'");
  });
});
