import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

/** axe-core is a root devDependency: the audit runs wherever the tests do. */
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * The serious and critical axe-core violations of a page or frame as it is now, one line per element,
 * for a failure message. axe is evaluated through the DevTools protocol, which the console's
 * Content-Security-Policy does not apply to, so the page is audited with its CSP in force.
 * `ignore` leaves out rules by id, for a known finding a test explains where it passes it; `include`
 * audits only what a selector matches (the widget's element on a host page); `rules` runs only those.
 */
export async function seriousViolations(
  target: Pick<Page, 'evaluate'> | Frame,
  { ignore = [], include, rules }: { ignore?: string[]; include?: string; rules?: string[] } = {},
): Promise<string[]> {
  if (!(await target.evaluate('typeof window.axe === "object"'))) await target.evaluate(axeSource);
  const context = include ? JSON.stringify({ include: [[include]] }) : 'document';
  const options = rules ? { runOnly: rules } : {};
  const violations = (await target.evaluate(
    `axe.run(${context}, ${JSON.stringify(options)}).then((r) => r.violations)`,
  )) as Violation[];
  return violations
    .filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !ignore.includes(v.id))
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary ?? v.help}`,
      ),
    );
}
