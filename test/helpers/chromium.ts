// Headless Chromium (Debian's `chromium`) for tests that look at a page as a browser renders it:
// the DOM after its scripts ran, or a screenshot for a person to look at. Each run gets a fresh
// profile, and names resolve only to the loopback, so no request leaves the machine.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome'];
/** ms a page gets to load and run its scripts (Chromium's virtual time, not the wall clock). */
const BUDGET_MS = 3000;
/** ms the browser process may take at most, a busy machine included. */
const TIMEOUT_MS = 60000;

/** The browser's path; throws saying how to install it (tests fail rather than skip without it). */
export function chromiumPath(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  throw new Error(`headless Chromium is needed for this test and none of ${NAMES.join(', ')} is on PATH: apt-get install chromium`);
}

function run(url: string, extra: string[]): Promise<string> {
  const profile = mkdtempSync(path.join(tmpdir(), 'portplex-chromium-'));
  const args = [
    '--headless',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--hide-scrollbars',
    // Every name but the loopback fails to resolve: a page that reaches out shows it.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost',
    `--user-data-dir=${profile}`,
    `--virtual-time-budget=${BUDGET_MS}`,
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ...extra,
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(chromiumPath(), args, { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (err) reject(new Error(`chromium ${url}: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

/** The page's DOM, serialized after its scripts ran. */
export function dumpDom(url: string): Promise<string> {
  return run(url, ['--dump-dom']);
}

/** Writes a PNG of the page at width x height CSS pixels to `file`. */
export async function screenshot(url: string, file: string, width: number, height: number): Promise<void> {
  await run(url, [`--screenshot=${file}`, `--window-size=${width},${height}`]);
}
