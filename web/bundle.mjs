// The esbuild call both browser bundles share (verify/build.mjs,
// forms/build.mjs): one minified ES module for current browsers, returned
// as text (nothing written). `define` replaces globals (e.g. Vue's flags).
import { build } from 'esbuild';

/** Bundles `entry` and resolves to the module's text. */
export async function bundle(entry, define = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
    define,
  });
  return result.outputFiles[0].text;
}
