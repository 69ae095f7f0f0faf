import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core is a root devDependency: the audit runs wherever the tests do. */
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * The serious and critical axe-core violations of the page as it is now, one line per element, for a
 * failure message. axe is evaluated through the DevTools protocol, which the console's
 * Content-Security-Policy does not apply to, so the page is audited with its CSP in force.
 * `ignore` leaves out rules by id, for a known finding a test explains where it passes it.
 */
export async function seriousViolations(
  page: Page,
  { ignore = [] }: { ignore?: string[] } = {},
): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as Violation[];
  return violations
    .filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !ignore.includes(v.id))
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary ?? v.help}`,
      ),
    );
}
