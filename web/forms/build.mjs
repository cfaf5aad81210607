// Bundles web/forms/entry.js (ODK Web Forms and Vue) with esbuild into one
// ES module, web/vendor/odk-web-forms/odk-web-forms.js, that the intake page
// imports; nothing is fetched at run time. scripts/web.sh runs it.
//
//   node web/forms/build.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../bundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '../vendor/odk-web-forms/odk-web-forms.js');

const js = await bundle(path.join(here, 'entry.js'), {
  'process.env.NODE_ENV': '"production"',
  __VUE_OPTIONS_API__: 'true',
  __VUE_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
});
fs.mkdirSync(path.dirname(out), { recursive: true });
if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== js) fs.writeFileSync(out, js);
