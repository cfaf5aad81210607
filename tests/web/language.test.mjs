#!/usr/bin/env node
// The report and the dashboard in each language, as a reader sees them
// (Debian's chromium through npm's playwright-core, against a running
// server of the bundled case). For each page and language it fails on:
//   - a raw message key or snake_case identifier in the text;
//   - an English word from the code's own identifiers (catalogue keys,
//     enumeration codes) or from the English catalogues, in another
//     language, unless that language's own catalogues use the word
//     ("Internet", "SHA-256"); in Armenian and Russian, any Latin word
//     their catalogues do not use;
//   - text marked lang="en" outside quoted record content (an analysis
//     sentence without a translation);
//   - an item printed twice in one list, or a paragraph printed twice.
// Quoted record content (class "rc": names, titles, places, commodities as
// recorded), <code> and <pre> are exempt; record content that also shows
// unmarked (a chart title naming a route) is taken out first.
//
//   LIFELINE_URL=http://127.0.0.1:8080 node tests/web/language.test.mjs
import fs from 'node:fs';
import path from 'node:path';
import { root, serverUrl, launchChromium, check as checkWith, finish } from './harness.mjs';

const base = serverUrl('language.test');
// A failure lists what was found, line by line.
const check = (name, fn) => checkWith(name, fn, { lines: 12, stack: false });

const kLangs = ['en', 'hy', 'ru', 'fr'];
const read = (p) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));
const catalogues = Object.fromEntries(kLangs.map((l) => [l, [read(`src/report/messages/${l}.json`), read(`web/i18n/${l}.json`)]]));
const latinWords = (s) => (String(s).toLowerCase().match(/[a-z]+/g) || []);

// The words a language's own catalogues use.
const own = Object.fromEntries(kLangs.map((l) => [l, new Set(catalogues[l].flatMap((c) => Object.values(c).flatMap(latinWords)))]));
// Keys that cannot be prose, and the English and identifier words.
const keys = new Set();
const english = new Set(own.en);
for (const c of catalogues.en) {
  for (const k of Object.keys(c)) {
    if (/[._]/.test(k)) keys.add(k);
    for (const w of latinWords(k.replace(/[._-]/g, ' '))) english.add(w);
  }
}

// In the page: the text outside exempt elements, the quoted texts, lists,
// paragraphs and untranslated lines.
function pageText() {
  const skip = (el) => el.closest('script, style, code, pre, .rc, noscript');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!skip(n.parentElement)) texts.push(n.nodeValue);
  }
  for (const el of document.body.querySelectorAll('[title], [aria-label]')) {
    if (skip(el)) continue;
    for (const a of ['title', 'aria-label']) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
  }
  const norm = (s) => s.replace(/\s+/g, ' ').trim();
  return {
    text: texts.join(' '),
    quoted: [...document.querySelectorAll('.rc')].map((e) => norm(e.textContent)).filter((s) => s.length >= 3),
    lists: [...document.querySelectorAll('ul, ol')].map((l) => [...l.children].filter((c) => c.tagName === 'LI').map((c) => norm(c.textContent))),
    paragraphs: [...document.querySelectorAll('p')].map((p) => norm(p.textContent)).filter((s) => s.length >= 25),
    english: [...document.querySelectorAll('[lang="en"]')].filter((e) => !e.closest('.rc') && e !== document.documentElement)
      .map((e) => norm(e.textContent)),
  };
}

function problems(lang, page) {
  const out = [];
  let text = page.text;
  for (const q of [...page.quoted].sort((a, b) => b.length - a.length)) text = text.split(q).join(' ');
  for (const tok of text.match(/[A-Za-z0-9_.-]+/g) || []) {
    const t = tok.replace(/[.-]+$/, '');
    if (keys.has(t)) out.push(`raw key "${t}"`);
    else if (/^[a-z]+_[a-z_]+$/.test(t)) out.push(`identifier "${t}"`);
  }
  for (const items of page.lists) {
    const seen = new Set();
    for (const it of items) {
      if (it && seen.has(it)) out.push(`twice in a list: "${it.slice(0, 80)}"`);
      seen.add(it);
    }
  }
  const paras = new Set();
  for (const p of page.paragraphs) {
    if (paras.has(p)) out.push(`paragraph twice: "${p.slice(0, 80)}"`);
    paras.add(p);
  }
  if (lang !== 'en') {
    for (const e of page.english) out.push(`untranslated (lang="en"): "${e.slice(0, 100)}"`);
    for (const w of new Set(latinWords(text))) {
      if (own[lang].has(w)) continue;
      if (english.has(w)) out.push(`English word "${w}"`);
      else if (lang !== 'fr' && w.length >= 3) out.push(`Latin word "${w}"`);
    }
  }
  return [...new Set(out)];
}

const browser = await launchChromium('language.test');

const cases = (await (await fetch(`${base}/api/v1/cases`)).json()).cases || [];
const caseId = process.env.LIFELINE_CASE || (cases[0] && cases[0].id);
const enc = encodeURIComponent(caseId);
const { scenarios = [] } = await (await fetch(`${base}/api/v1/cases/${enc}/scenarios`)).json();
// One record of each kind that shows enumerations: an obligation (its
// instrument), a route status, an incident (ACLED types), a source.
const recordIds = [];
for (const kind of ['obligation', 'route_status', 'incident', 'outage', 'movement', 'source', 'claim']) {
  const r = await (await fetch(`${base}/api/v1/records?case=${enc}&kind=${kind}&limit=1`)).json();
  if (r.records && r.records[0]) recordIds.push(r.records[0].id);
}

const pages = [
  ['overview', `#/case/${enc}`, '#routes-table tbody tr'],
  ['timeline', `#/case/${enc}/timeline`, '#timeline-table tbody tr'],
  ['charts', `#/case/${enc}/charts`, '#chart-routes .uplot'],
  ['map', `#/case/${enc}/map`, 'main table tbody tr'],
  ['compliance', `#/case/${enc}/compliance`, '#compliance-table tbody tr'],
  ['risk', `#/case/${enc}/risk`, '#risk-statement'],
  ['forecast', `#/case/${enc}/forecast`, '[id^=fan-] .uplot'],
  ...recordIds.map((id) => [`record ${id}`, `#/record/${encodeURIComponent(id)}`, '#verify-button']),
];

for (const lang of kLangs) {
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.addInitScript((l) => localStorage.setItem('lifeline.lang', l), lang);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const [name, hash, ready] of pages) {
    await check(`${lang}: the dashboard's ${name} page is in ${lang}`, async () => {
      await page.goto(`${base}/${hash}`);
      await page.waitForSelector(ready, { timeout: 20000 });
      if (await page.evaluate(() => document.documentElement.lang) !== lang) throw new Error('<html lang> is not set');
      const found = problems(lang, await page.evaluate(pageText));
      if (errors.length) found.push(...errors.splice(0));
      if (found.length) throw new Error(found.slice(0, 15).join('\n'));
    });
  }
  await check(`${lang}: the situation report (with the ${scenarios[0] || 'no'} scenario) is in ${lang}`, async () => {
    const q = new URLSearchParams({ lang, ...(scenarios[0] ? { scenario: scenarios[0] } : {}) });
    const resp = await page.goto(`${base}/api/v1/cases/${enc}/report?${q}`);
    if (!resp || resp.status() !== 200) throw new Error(`report: HTTP ${resp && resp.status()}`);
    const found = problems(lang, await page.evaluate(pageText));
    if (found.length) throw new Error(found.slice(0, 15).join('\n'));
  });
  await context.close();
}

await browser.close();
finish();
