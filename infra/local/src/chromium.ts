import { spawn } from 'node:child_process';
import fs from 'node:fs';

export const chromiumPath = '/usr/bin/chromium';

/**
 * Makes sure Debian's Chromium is installed, for the browser tests. A fresh machine lacks it; installing it
 * needs root and apt-get (Debian or Ubuntu), and takes a minute or two, so every step says how long it took.
 */
export async function ensureChromium(log: (line: string) => void = () => {}): Promise<string> {
  if (fs.existsSync(chromiumPath)) return chromiumPath;
  if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `The browser tests need Chromium at ${chromiumPath}; install it with your package manager.`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `The browser tests need Chromium at ${chromiumPath}: run apt-get install chromium as root.`,
    );
  }
  const t0 = performance.now();
  log('▸ chromium … missing, running apt-get update');
  await aptGet(['update']);
  log(`▸ chromium … installing with apt-get (${seconds(t0)}s so far)`);
  await aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  if (!fs.existsSync(chromiumPath))
    throw new Error(`apt-get installed chromium, yet ${chromiumPath} does not exist`);
  log(`▸ chromium … installed (${seconds(t0)}s)`);
  return chromiumPath;
}

/**
 * Fonts for the Arabic script (Arabic in Naskh, Urdu in Nastaliq), so pages in those languages are drawn and
 * measured by the browser tests as readers see them, not as boxes of a fallback font. Debian's fonts-noto-core has them.
 */
export async function ensureScriptFonts(log: (line: string) => void = () => {}): Promise<void> {
  const has = (lang: string) =>
    new Promise<boolean>((resolve) => {
      const child = spawn('fc-list', [`:lang=${lang}`, 'family'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.on('error', () => resolve(false));
      child.on('exit', () => resolve(out.trim().length > 0));
    });
  if ((await has('ur')) && (await has('ar'))) return;
  if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get') || process.getuid?.() !== 0) {
    log(
      '▸ fonts … no Arabic or Urdu font found; install fonts-noto-core for faithful right-to-left screenshots',
    );
    return;
  }
  const t0 = performance.now();
  log('▸ fonts … installing fonts-noto-core with apt-get');
  await aptGet(['install', '-y', '--no-install-recommends', 'fonts-noto-core']).catch(async () => {
    await aptGet(['update']);
    await aptGet(['install', '-y', '--no-install-recommends', 'fonts-noto-core']);
  });
  log(`▸ fonts … installed (${seconds(t0)}s)`);
}

function aptGet(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keeping only the tail of the output: enough to say why an install failed, without holding megabytes.
    let tail = '';
    const child = spawn('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`apt-get ${args.join(' ')} failed (exit ${code}):\n${tail}`));
    });
  });
}

function seconds(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}
