import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (apt `chromium`, listed in .ci/apt-packages); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('../../', import.meta.url);
const SCREENSHOTS = new URL('test-results/screenshots/', ROOT);

/**
 * Whether the e2e suite can run. Without chromium it is skipped with a message, except in CI
 * (CI=true), where a missing browser must fail the run instead of passing it green.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing; CI installs it from .ci/apt-packages`);
  console.warn(`e2e: skipped, ${CHROMIUM} not found (apt-get install chromium to run the browser tests)`);
  return false;
}

/** Builds dist/web when missing or older than its sources (a no-op when fresh). */
export function buildDashboardIfNeeded(): void {
  const result = spawnSync(process.execPath, ['scripts/build-web-if-needed.js'], {
    cwd: new URL('.', ROOT).pathname,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the dashboard failed');
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under test-results/screenshots/ (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string, options = { fullPage: true }): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = new URL(`${name}.png`, SCREENSHOTS).pathname;
  await page.screenshot({ path, fullPage: options.fullPage });
  return path;
}

/**
 * Copies a screenshot to docs/images/ (committed, shown in the README) when it is missing or
 * when UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the working tree clean.
 */
export function publishScreenshot(path: string, name: string): void {
  const dir = new URL('docs/images/', ROOT);
  const target = new URL(`${name}.png`, dir);
  if (existsSync(target) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(dir, { recursive: true });
  copyFileSync(path, target);
}
