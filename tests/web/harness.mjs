// What the browser tests share: the server to test (LIFELINE_URL), npm's
// playwright-core driving Debian's chromium (CHROMIUM), and checks printed
// as "ok - NAME" / "not ok - NAME", then "N passed, N failed".
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The server under test, from LIFELINE_URL; exits 2 naming `test` without it. */
export function serverUrl(test) {
  const base = (process.env.LIFELINE_URL || '').replace(/\/+$/, '');
  if (!base) {
    console.error(`${test}: set LIFELINE_URL to the server to test (e.g. http://127.0.0.1:8080)`);
    process.exit(2);
  }
  return base;
}

/** Chromium with a fresh temporary profile (playwright gives every launch one). */
export async function launchChromium(test) {
  const { chromium } = await import(path.join(root, 'web/node_modules/playwright-core/index.mjs')).catch((e) => {
    console.error(`${test}: playwright-core is missing (run scripts/web.sh): ${e.message}`);
    process.exit(2);
  });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

let passed = 0;
let failed = 0;

/**
 * Runs one check; a throw fails it, printed as the first `lines` lines of
 * its stack (or, with stack: false, of its message).
 */
export async function check(name, fn, { lines = 4, stack = true } = {}) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    const text = e && (stack ? e.stack : e.message) ? (stack ? e.stack : e.message) : e;
    console.log(`not ok - ${name}\n  ${String(text).split('\n').slice(0, lines).join('\n  ')}`);
  }
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Prints the tally and exits 1 when any check failed. */
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
