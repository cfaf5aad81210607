// Builds verify.html's template: bundles main.js (with web/js/checkpoint.js,
// merkle.js, @noble/ed25519 and pdf.js with its worker module) with esbuild
// into one inline <script type="module"> of web/verify/verify.html, and
// writes web/vendor/verify/verify.template.html. `lifeline verifier` fills
// in the pinned key and policy (the /*LIFELINE-PINS*/ placeholder).
//
//   node web/verify/build.mjs      (scripts/web.sh runs it)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../bundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '../vendor/verify');
const out = path.join(outDir, 'verify.template.html');

const js = await bundle(path.join(here, 'main.js'));
// The script is inline: it must not end its own element or open a comment
// (in which "<script" would matter), nor contain the pins placeholder.
for (const bad of [/<\/script/i, /<!--/, /\/\*LIFELINE-PINS\*\//]) {
  if (bad.test(js)) throw new Error(`the bundle contains ${bad}: it cannot be inlined`);
}
const page = fs.readFileSync(path.join(here, 'verify.html'), 'utf8');
const marker = '<!--LIFELINE-VERIFY-SCRIPT-->';
if (page.split(marker).length !== 2) throw new Error(`verify.html must contain ${marker} once`);
const html = page.replace(marker, () => `<script type="module">${js}</script>`);
fs.mkdirSync(outDir, { recursive: true });
if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== html) {
  fs.writeFileSync(`${out}.tmp`, html);
  fs.renameSync(`${out}.tmp`, out);
}
console.error(`verify: ${path.relative(process.cwd(), out)} (${html.length} bytes)`);
