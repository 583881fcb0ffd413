import { ensureChromium, ensureScriptFonts } from '@aid/local-infra';

/** vitest globalSetup of the browser tests: Debian's Chromium and Arabic-script fonts, installed with apt-get when missing. */
export async function setup(): Promise<void> {
  await ensureChromium((line) => console.log(line));
  await ensureScriptFonts((line) => console.log(line));
}
