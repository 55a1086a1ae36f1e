import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core's browser build, injected into the page under test as it is (the page's own CSP does not apply to it). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What a person relying on a screen reader, the keyboard or good contrast cannot get past: axe's two top impacts. */
const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe-core (every WCAG 2.x A/AA rule and its best practices) over the page as it stands, in the light and in the
 * dark colour scheme (a person's OS setting; a page that declares `color-scheme: light dark` looks different in
 * each), and returns the serious and critical violations, one readable line each: scheme, rule, impact, what it asks,
 * and the elements at fault. The page is left in the light scheme.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await violationsNow(page)).map((line) => `${colorScheme}: ${line}`));
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
  return found;
}

async function violationsNow(page: Page): Promise<string[]> {
  // page.evaluate goes through the DevTools protocol, so a strict script-src does not stop the injection.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ''))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => `${node.target.join(' ')}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ')}]` : ''}`).join('; ')}`);
}
