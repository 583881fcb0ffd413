/// <reference lib="dom" />
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromiumPath, ensureChromium } from '@aid/local-infra';
import { chromium, type Browser, type Page } from 'playwright-core';

const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (installed with apt-get when missing), headless: never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  await ensureChromium((line) => console.log(line));
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now; the serious and critical violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the pages' content security policy does not govern (an
  // injected <script> would be refused, as it should be).
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Screenshots of a step at a desktop and a phone width, for people to look at. */
export async function screenshotsOf(page: Page, dir: string, step: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: path.join(dir, `${step}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

/** Whether anything on the page is wider than the window (a phone would scroll sideways). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
