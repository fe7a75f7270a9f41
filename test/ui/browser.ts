/**
 * Debian's Chromium driven by playwright-core, with the flags that work on these machines (see
 * /work/shared/NOTES.md), and a place for screenshots (test-artifacts/ui/, gitignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/ui');

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Everything a page asks for and every error it reports, to check it stays on our origin and clean. */
export function watch(page: Page): { requests: string[]; errors: string[] } {
  const out = { requests: [] as string[], errors: [] as string[] };
  page.on('request', (r) => out.requests.push(r.url()));
  page.on('pageerror', (e) => out.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') out.errors.push(`console: ${m.text()}`);
  });
  return out;
}
