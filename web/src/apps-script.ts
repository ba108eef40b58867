/**
 * The Google Apps Script a sheet needs to push its changes to leadsync: an installable onChange
 * trigger (simple triggers may not call external URLs) that POSTs to the push URL with
 * UrlFetchApp. The README shows the same script and steps.
 */
export function appsScriptSnippet(pushUrl: string): string {
  return `// leadsync: tells leadsync this sheet changed, so the new rows are synced in seconds.
const LEADSYNC_PUSH_URL = '${pushUrl.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}';

function leadsyncPush() {
  // muteHttpExceptions: a refused push (429 while edits pour in) must not show errors in the sheet.
  UrlFetchApp.fetch(LEADSYNC_PUSH_URL, { method: 'post', muteHttpExceptions: true });
}

// Run this once: it installs the trigger that calls leadsyncPush on every change.
function installLeadsyncTrigger() {
  ScriptApp.getProjectTriggers()
    .filter((trigger) => trigger.getHandlerFunction() === 'leadsyncPush')
    .forEach((trigger) => ScriptApp.deleteTrigger(trigger));
  ScriptApp.newTrigger('leadsyncPush').forSpreadsheet(SpreadsheetApp.getActive()).onChange().create();
}
`;
}

/** The three steps to install it, as the customer page and the README list them. */
export const APPS_SCRIPT_STEPS = [
  'In the sheet, open Extensions → Apps Script, replace the editor’s contents with the script below and save.',
  'Pick installLeadsyncTrigger in the function menu and press Run; allow what Google asks (to run when the sheet changes and to connect to an external service).',
  'Edit a cell: a run with trigger “push” appears in the customer’s history within the debounce time.',
] as const;
