// The dashboard's message catalogues (web/i18n/*.json) and js/i18n.js:
// every language has every key of en.json with the same arguments, every
// message is ICU MessageFormat that i18n.js parses, plural forms come out
// right for 0, 1, 2, 5, 21, 22, 25 and 1.5 in each language (Intl, CLDR),
// no catalogue is English wholesale, and every key the code names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseMessage, useCatalogues, t, num, pct, quantity, term, analysisText, assumption,
} from '../../../web/js/i18n.js';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web');
const load = (lang) => JSON.parse(fs.readFileSync(path.join(web, 'i18n', `${lang}.json`), 'utf8'));
const en = load('en');

// The argument names of a message, from the parse.
function argNames(pattern) {
  const names = new Set();
  const walk = (nodes) => {
    for (const n of nodes) {
      if (typeof n === 'string' || n.type === 'hash') continue;
      names.add(n.name);
      if (n.options) Object.values(n.options).forEach(walk);
    }
  };
  walk(parseMessage(pattern));
  return [...names].sort();
}

for (const lang of ['hy', 'ru', 'fr']) {
  test(`${lang}.json has exactly en.json's keys, with the same arguments`, () => {
    const cat = load(lang);
    const missing = Object.keys(en).filter((k) => !(k in cat));
    const extra = Object.keys(cat).filter((k) => !(k in en));
    assert.deepEqual(missing, [], `${lang}.json lacks ${missing.join(', ')}`);
    assert.deepEqual(extra, [], `${lang}.json has keys en.json does not: ${extra.join(', ')}`);
    for (const [k, v] of Object.entries(cat)) {
      assert.equal(typeof v, 'string', `${lang}.${k} is not a string`);
      assert.ok(v.trim().length > 0, `${lang}.${k} is empty`);
      assert.deepEqual(argNames(v), argNames(en[k]), `${lang}.${k} arguments differ from en`);
      assert.ok(!v.includes("'"), `${lang}.${k} has an ASCII apostrophe (ICU quoting): write ’`);
    }
    // A catalogue copied from English would pass the checks above.
    const same = Object.keys(en).filter((k) => cat[k] === en[k] && /[a-z]{4,}/.test(en[k]));
    assert.ok(same.length < Object.keys(en).length / 10, `${lang}.json leaves ${same.length} messages in English: ${same.slice(0, 8).join(', ')}`);
  });
}

test('every message of every catalogue parses, and plurals give the language\'s CLDR forms', () => {
  const cats = { en, hy: load('hy'), ru: load('ru'), fr: load('fr') };
  for (const [lang, cat] of Object.entries(cats)) {
    const need = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [k, v] of Object.entries(cat)) {
      let nodes;
      assert.doesNotThrow(() => { nodes = parseMessage(v); }, `${lang}.${k}`);
      const check = (list) => {
        for (const n of list) {
          if (typeof n === 'string' || n.type === 'hash') continue;
          if (n.type === 'plural' && !n.ordinal) {
            for (const c of need) assert.ok(n.options[c], `${lang}.${k}: {${n.name}} lacks the "${c}" form`);
          }
          if (n.options) Object.values(n.options).forEach(check);
        }
      };
      check(nodes);
    }
  }
});

test('Armenian and Russian catalogues are written in their scripts', () => {
  assert.match(load('hy').verify, /[\u0531-\u058F]/);
  assert.match(load('ru').verify, /[\u0400-\u04FF]/);
});

const kValues = [0, 1, 2, 5, 21, 22, 25, 1.5];

test('plural forms for 0, 1, 2, 5, 21, 22, 25 and 1.5 in each language', () => {
  const want = {
    en: ['0 records', '1 record', '2 records', '5 records', '21 records', '22 records', '25 records', '1.5 records'],
    hy: ['0 գրառում', '1 գրառում', '2 գրառում', '5 գրառում', '21 գրառում', '22 գրառում', '25 գրառում', '1,5 գրառում'],
    ru: ['0 записей', '1 запись', '2 записи', '5 записей', '21 запись', '22 записи', '25 записей', '1,5 записи'],
    fr: ['0 enregistrement', '1 enregistrement', '2 enregistrements', '5 enregistrements', '21 enregistrements',
      '22 enregistrements', '25 enregistrements', '1,5 enregistrement'],
  };
  const days = {
    en: ['0 days', '1 day', '2 days', '5 days', '21 days', '22 days', '25 days', '1.5 days'],
    hy: ['0 օր', '1 օր', '2 օր', '5 օր', '21 օր', '22 օր', '25 օր', '1,5 օր'],
    ru: ['0 дней', '1 день', '2 дня', '5 дней', '21 день', '22 дня', '25 дней', '1,5 дня'],
    fr: ['0 jour', '1 jour', '2 jours', '5 jours', '21 jours', '22 jours', '25 jours', '1,5 jour'],
  };
  for (const lang of ['en', 'hy', 'ru', 'fr']) {
    useCatalogues(lang, load(lang), en);
    assert.deepEqual(kValues.map((n) => t('records_found', { n })), want[lang], lang);
    assert.deepEqual(kValues.map((n) => t('value_days', { n })), days[lang], lang);
  }
  // After "до" (up to): the genitive (до 1 часа, до 2 часов, до 21 часа, до 1,5 часа).
  useCatalogues('ru', load('ru'), en);
  assert.deepEqual(kValues.map((hours) => t('fig_utility_rationing', { hours })),
    ['0 часов', '1 часа', '2 часов', '5 часов', '21 часа', '22 часов', '25 часов', '1,5 часа']
      .map((h) => `Нормирование — до ${h} в сутки.`));
  useCatalogues('fr', load('fr'), en);
  assert.equal(t('records_found', { n: 1000000 }), '1\u202f000\u202f000 d’enregistrements');
});

test('numbers, percentages, quantities and terms in the language\'s format', () => {
  useCatalogues('fr', load('fr'), en);
  assert.equal(num(1234.5, 1), '1\u202f234,5');
  assert.equal(pct(0.452), '45,2\u00a0%');
  assert.equal(quantity(2100, 'kcal'), '2\u202f100\u202fkcal');
  assert.equal(quantity(3, 'doses'), '3 doses');
  assert.equal(term('instrument', 'interim_measure'), 'Mesure provisoire');
  assert.equal(term('utility', 'teleportation'), 'teleportation');
  useCatalogues('ru', load('ru'), en);
  assert.equal(quantity(2100, 'kcal'), '2\u00a0100 ккал');
  assert.equal(quantity(15, 'l'), '15 л');
  assert.equal(quantity(5, 'doses'), '5 доз');
  assert.equal(term('instrument', 'court_order'), 'Постановление суда');
  useCatalogues('hy', load('hy'), en);
  assert.equal(quantity(2, 't'), '2 տ');
  assert.equal(t('missing_key'), 'missing_key');
});

test('the analysis\'s English sentences are found in the catalogue, with their values', () => {
  useCatalogues('ru', load('ru'), en);
  assert.match(assumption("a route's status on a day, in each direction, is the most restrictive status in force that way "
    + 'at any time of that UTC day'), /самое ограничительное/);
  assert.equal(assumption('nobody translated this'), null);
  // Dates as the browser's Intl writes them (its CLDR version decides the space before "г.").
  const population = /^Население 90\u00a0000 с 1 окт\. 2023\sг\. \(сценарий\)\.$/;
  assert.match(assumption('Population 90000 from 2023-10-01 (scenario).'), population);
  assert.equal(analysisText('assumption', 'indicators.open_outage', 'whatever'), t('assumption.indicators.open_outage'));
  // A keyed sentence with values has them; a variant under the same key is
  // matched by its own sentence.
  assert.match(assumption('Population 90000 from 2023-10-01 (scenario).', 'forecast.population.change'), population);
  assert.match(assumption('flour: airlift of 5 t per day from 2023-10-01 to 2023-10-09, whatever the route status.',
    'forecast.airlift'), /^flour: воздушная доставка 5 т в сутки с 1 окт\. 2023\sг\. по 9 окт\. 2023\sг\. независимо/);
  assert.match(assumption('flour: airlift of 5 t per day from 2023-10-01, whatever the route status.', 'forecast.airlift'),
    /^flour: воздушная доставка 5 т в сутки с 1 окт\. 2023\sг\. независимо/);
  useCatalogues('fr', load('fr'), en);
  assert.equal(assumption('The day before the start is closed (scenario).'),
    'Le jour précédant le début est à l’état «\u00a0fermée\u00a0» (scénario).');
});

test('MessageFormat: select, offset, exact values, quoting', () => {
  useCatalogues('en', en, en);
  const f = (p, v) => { en.__test = p; const r = t('__test', v); delete en.__test; return r; };
  assert.equal(f('{s, select, open {open} other {not open}}', { s: 'closed' }), 'not open');
  assert.equal(f('{n, plural, =0 {none} one {# day} other {# days}}', { n: 0 }), 'none');
  assert.equal(f('{n, plural, offset:1 one {you and # other} other {you and # others}}', { n: 3 }), 'you and 2 others');
  assert.equal(f('{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}', { n: 22 }), '22nd');
  assert.equal(f("'{'n'}' is ''{n}''", { n: 5 }), "{n} is '5'");
  assert.equal(f('{n, plural, one {# day} other {# days}}', { n: { value: 1, digits: 1 } }), '1.0 days');
  assert.throws(() => parseMessage('{n, plural, one {# day}}'));
  assert.throws(() => parseMessage('{unclosed'));
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
    for (const m of text.matchAll(/\bt[n]?\('([a-z_0-9.]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-aria)?="([a-z_0-9]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/\bterm\('([a-z_]+)', '([^']+)'\)/g)) used.add(`${m[1]}_${m[2]}`);
  }
  assert.ok(used.size > 50, `only ${used.size} keys found: the scan is broken`);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, [], `keys used but not in en.json: ${missing.join(', ')}`);
});
