// The dashboard's message catalogues (web/i18n/*.json): every language has
// every key of en.json with the same {placeholders}, none is left empty or
// untranslated wholesale, and every key the code names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web');
const load = (lang) => JSON.parse(fs.readFileSync(path.join(web, 'i18n', `${lang}.json`), 'utf8'));
const placeholders = (s) => [...s.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();
const en = load('en');

for (const lang of ['hy', 'ru', 'fr']) {
  test(`${lang}.json has exactly en.json's keys, with the same placeholders`, () => {
    const cat = load(lang);
    const missing = Object.keys(en).filter((k) => !(k in cat));
    const extra = Object.keys(cat).filter((k) => !(k in en));
    assert.deepEqual(missing, [], `${lang}.json lacks ${missing.join(', ')}`);
    assert.deepEqual(extra, [], `${lang}.json has keys en.json does not: ${extra.join(', ')}`);
    for (const [k, v] of Object.entries(cat)) {
      assert.equal(typeof v, 'string', `${lang}.${k} is not a string`);
      assert.ok(v.trim().length > 0, `${lang}.${k} is empty`);
      assert.deepEqual(placeholders(v), placeholders(en[k]), `${lang}.${k} placeholders differ from en`);
    }
    // A catalogue copied from English would pass the checks above.
    const same = Object.keys(en).filter((k) => cat[k] === en[k] && /[a-z]{4,}/.test(en[k]));
    assert.ok(same.length < Object.keys(en).length / 10, `${lang}.json leaves ${same.length} messages in English: ${same.slice(0, 8).join(', ')}`);
  });
}

test('Armenian and Russian catalogues are written in their scripts', () => {
  assert.match(load('hy').verify, /[\u0531-\u058F]/);
  assert.match(load('ru').verify, /[\u0400-\u04FF]/);
});

test('every message key named in web/ exists in en.json', () => {
  const files = [path.join(web, 'index.html')];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.js')) files.push(p);
    }
  };
  walk(path.join(web, 'js'));
  const used = new Set();
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\bt\('([a-z_0-9]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-aria)?="([a-z_0-9]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, `only ${used.size} keys found: the scan is broken`);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, [], `keys used but not in en.json: ${missing.join(', ')}`);
});
