import { ensureChromium } from '@aid/local-infra';

/** vitest globalSetup of the browser tests: Debian's Chromium, installed with apt-get when missing. */
export async function setup(): Promise<void> {
  await ensureChromium((line) => console.log(line));
}
