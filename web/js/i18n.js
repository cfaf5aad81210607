// Message catalogues (web/i18n/<lang>.json) and the reader's language: the
// dashboard's interface text, numbers, dates, units and enumerations. Record
// content is shown as recorded, in its own language, marked by the pages
// (class "rc", see quoted()).
//
// Messages are ICU MessageFormat patterns, as in the report's catalogues
// (src/report/catalog.h), so one syntax serves both:
//   t('records_found', { n: 21 })   "{n, plural, one {# record} other {# records}}"
//   t('period', { from, to })       "From {from} to {to}"
// Plural forms come from the browser's Intl.PluralRules (CLDR): en one/other,
// hy one/other, ru one/few/many/other, fr one/many/other. Supported: {name},
// {name, plural, [offset:N] =N {…} one {…} … other {…}} with # for the number,
// {name, selectordinal, …}, {name, select, a {…} other {…}}, {name, number}
// ({name, number, integer}, {name, number, percent}). Apostrophes as in ICU's
// default mode: '' is a literal ', and a ' before { } # | starts a quoted
// literal; the catalogues write ’ in prose, so none occurs there.
export const kLanguages = ['en', 'hy', 'ru', 'fr'];
const kLangKey = 'lifeline.lang';
const kLocales = { en: 'en-GB', hy: 'hy-AM', ru: 'ru-RU', fr: 'fr-FR' };

let current = 'en';
let messages = {};
let fallback = {};
let parsed = new Map();  // pattern -> AST, for the current language

async function load(lang) {
  const res = await fetch(`i18n/${lang}.json`);
  if (!res.ok) throw new Error(`cannot load the ${lang} messages: ${res.status}`);
  return res.json();
}

export function savedLanguage() {
  let saved = '';
  try {
    saved = localStorage.getItem(kLangKey) || '';
  } catch {
    saved = '';
  }
  if (kLanguages.includes(saved)) return saved;
  const nav = (navigator.language || 'en').slice(0, 2);
  return kLanguages.includes(nav) ? nav : 'en';
}

/** Uses catalogues already loaded (the unit tests; no fetch, no document). */
export function useCatalogues(lang, catalogue, english) {
  current = kLanguages.includes(lang) ? lang : 'en';
  messages = catalogue;
  fallback = english;
  parsed = new Map();
}

/** Loads lang's catalogue, remembers the choice and sets <html lang>. */
export async function setLanguage(lang) {
  if (!kLanguages.includes(lang)) lang = 'en';
  if (!Object.keys(fallback).length) fallback = await load('en');
  useCatalogues(lang, lang === 'en' ? fallback : await load(lang), fallback);
  try {
    localStorage.setItem(kLangKey, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = lang;
  translateStatic(document);
}

export const language = () => current;
export const locale = () => kLocales[current];

/** Whether the catalogue (or English) has key. */
export const has = (key) => key in messages || key in fallback;

// ---- ICU MessageFormat, the subset the catalogues use ----

/** Parses a pattern into nodes: strings, {arg}, {plural}, {select}, {number}, {hash}. Throws on bad syntax. */
export function parseMessage(pattern) {
  let i = 0;
  const s = pattern;
  const ws = () => { while (i < s.length && /\s/.test(s[i])) i++; };
  const ident = () => {
    ws();
    const m = /^[^\s{},#]+/.exec(s.slice(i));
    if (!m) throw new SyntaxError(`expected a name at ${i} in "${s}"`);
    i += m[0].length;
    ws();
    return m[0];
  };
  function message(inPlural, nested) {
    const nodes = [];
    let text = '';
    const flush = () => { if (text) nodes.push(text); text = ''; };
    while (i < s.length) {
      const c = s[i];
      if (c === "'") {
        if (s[i + 1] === "'") { text += "'"; i += 2; continue; }
        const next = s[i + 1];
        if (next === '{' || next === '}' || next === '|' || (next === '#' && inPlural)) {
          i++;  // a quoted literal up to the next lone '
          while (i < s.length) {
            if (s[i] === "'" && s[i + 1] === "'") { text += "'"; i += 2; } else if (s[i] === "'") { i++; break; } else text += s[i++];
          }
          continue;
        }
        text += c; i++; continue;
      }
      if (c === '{') { flush(); i++; nodes.push(argument()); continue; }
      if (c === '}') {
        if (!nested) throw new SyntaxError(`unmatched } at ${i} in "${s}"`);
        break;
      }
      if (c === '#' && inPlural) { flush(); nodes.push({ type: 'hash' }); i++; continue; }
      text += c; i++;
    }
    flush();
    return nodes;
  }
  function options(inPlural) {
    const opts = {};
    for (;;) {
      ws();
      if (s[i] === '}') { i++; return opts; }
      const sel = ident();
      if (s[i] !== '{') throw new SyntaxError(`expected { after "${sel}" in "${s}"`);
      i++;
      opts[sel] = message(inPlural, true);
      if (s[i] !== '}') throw new SyntaxError(`unclosed option "${sel}" in "${s}"`);
      i++;
    }
  }
  function argument() {
    const name = ident();
    if (s[i] === '}') { i++; return { type: 'arg', name }; }
    if (s[i] !== ',') throw new SyntaxError(`expected , or } after "${name}" in "${s}"`);
    i++;
    const kind = ident();
    if (kind === 'plural' || kind === 'selectordinal') {
      if (s[i] !== ',') throw new SyntaxError(`expected , after ${kind} in "${s}"`);
      i++;
      ws();
      let offset = 0;
      const m = /^offset:\s*(\d+)/.exec(s.slice(i));
      if (m) { offset = Number(m[1]); i += m[0].length; }
      const opts = options(true);
      if (!opts.other) throw new SyntaxError(`{${name}, ${kind}} has no other in "${s}"`);
      return { type: 'plural', name, offset, ordinal: kind === 'selectordinal', options: opts };
    }
    if (kind === 'select') {
      if (s[i] !== ',') throw new SyntaxError(`expected , after select in "${s}"`);
      i++;
      const opts = options(false);
      if (!opts.other) throw new SyntaxError(`{${name}, select} has no other in "${s}"`);
      return { type: 'select', name, options: opts };
    }
    if (kind === 'number') {
      let style = '';
      if (s[i] === ',') { i++; style = ident(); }
      if (s[i] !== '}') throw new SyntaxError(`unclosed {${name}, number} in "${s}"`);
      i++;
      return { type: 'number', name, style };
    }
    throw new SyntaxError(`unsupported argument type ${kind} in "${s}"`);
  }
  const nodes = message(false, false);
  if (i < s.length) throw new SyntaxError(`unexpected } at ${i} in "${s}"`);
  return nodes;
}

// A value's number and its display options: a number, or {value, digits}
// for a number shown with exactly `digits` decimals.
function numeric(v) {
  if (typeof v === 'number') return { n: v, opts: { maximumFractionDigits: 3 } };
  if (v && typeof v === 'object' && typeof v.value === 'number') {
    return { n: v.value, opts: { minimumFractionDigits: v.digits, maximumFractionDigits: v.digits } };
  }
  return null;
}

function show(v) {
  const x = numeric(v);
  if (x) return numberFormat(x.opts).format(x.n);
  return v == null ? '' : String(v);
}

function format(nodes, vars, hash) {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') { out += node; continue; }
    if (node.type === 'hash') { out += hash ?? '#'; continue; }
    if (!(node.name in vars)) { out += `{${node.name}}`; continue; }
    const v = vars[node.name];
    if (node.type === 'arg') {
      out += show(v);
    } else if (node.type === 'number') {
      const x = numeric(v);
      if (!x) out += show(v);
      else if (node.style === 'percent') out += pct(x.n, 0);
      else if (node.style === 'integer') out += numberFormat({ maximumFractionDigits: 0 }).format(x.n);
      else out += show(v);
    } else if (node.type === 'plural') {
      const x = numeric(v);
      let sub = node.options.other;
      let shown = show(v);
      if (x) {
        const n = x.n - node.offset;
        shown = numberFormat(x.opts).format(n);
        const exact = node.options[`=${x.n}`];
        const rules = new Intl.PluralRules(locale(), { type: node.ordinal ? 'ordinal' : 'cardinal', ...x.opts });
        sub = exact || node.options[rules.select(n)] || node.options.other;
      }
      out += format(sub, vars, shown);
    } else if (node.type === 'select') {
      out += format(node.options[String(v)] || node.options.other, vars, hash);
    }
  }
  return out;
}

/** Formats an ICU MessageFormat pattern with vars in the current language. */
export function formatMessage(pattern, vars = {}) {
  let nodes = parsed.get(pattern);
  if (!nodes) {
    try {
      nodes = parseMessage(pattern);
    } catch {
      nodes = [pattern];  // the catalogue test rules this out
    }
    parsed.set(pattern, nodes);
  }
  return format(nodes, vars, null);
}

/** The message for key in the current language (else English, else the key), formatted with vars. */
export function t(key, vars = {}) {
  const pattern = messages[key] ?? fallback[key];
  if (pattern === undefined) return key;
  return formatMessage(pattern, vars);
}

/**
 * t() for text with elements in it: vars that are DOM nodes (a <code> with a
 * hash, a quoted name) are placed where the message names them; returns
 * strings and nodes for h() or add().
 *   tn('computed_at_checkpoint', { size: 224, root: h('code', {}, root) })
 */
export function tn(key, vars = {}) {
  const nodes = [];
  const plain = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof Node !== 'undefined' && v instanceof Node) {
      plain[k] = `\uE000${nodes.length}\uE001`;
      nodes.push(v);
    } else {
      plain[k] = v;
    }
  }
  const text = t(key, plain);
  if (!nodes.length) return [text];
  return text.split(/\uE000(\d+)\uE001/).map((part, i) => (i % 2 ? nodes[Number(part)] : part)).filter((x) => x !== '');
}

/** Fills elements marked data-i18n (text) and data-i18n-aria (aria-label). */
export function translateStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

// ---- Numbers, dates, units, enumerations ----

// Chromium ships a trimmed ICU without Armenian number and date data
// (Intl.NumberFormat and DateTimeFormat fall back to English there: "1,234.5",
// "Dec 12, 2022"); its plural rules do have Armenian. Where the browser lacks
// the locale, these are CLDR's forms for hy (as ICU 72 gives them): numbers
// with the same symbols as Russian (decimal comma, U+00A0 grouping), percent
// without a space, dates "d MMM, y թ." with CLDR's abbreviated months.
const kCldr = {
  hy: {
    numbers: 'ru-RU',
    percentSuffix: '%',
    months: ['հնվ', 'փտվ', 'մրտ', 'ապր', 'մյս', 'հնս', 'հլս', 'օգս', 'սեպ', 'հոկ', 'նոյ', 'դեկ'],
    date: (d, month, y) => `${d} ${month}, ${y} թ.`,
    unitSpace: ' ',
  },
};
const supported = new Map();
function cldrFallback() {
  const loc = locale();
  if (!supported.has(loc)) supported.set(loc, Intl.NumberFormat.supportedLocalesOf([loc]).length > 0);
  return supported.get(loc) ? null : kCldr[current] || null;
}
// The locale to give Intl.NumberFormat.
const numberLocale = () => (cldrFallback() ? cldrFallback().numbers : locale());

function numberFormat(opts) {
  return new Intl.NumberFormat(numberLocale(), opts);
}

/** A number with up to `digits` decimals, grouped as the language groups; "—" for none. */
export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return numberFormat({ maximumFractionDigits: digits }).format(v);
}

/** A ratio as a percentage: pct(0.452) -> "45.2%" (en), "45,2 %" (fr), "45,2%" (hy). */
export function pct(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const fb = cldrFallback();
  if (fb) return `${numberFormat({ maximumFractionDigits: digits }).format(v * 100)}${fb.percentSuffix}`;
  return numberFormat({ style: 'percent', maximumFractionDigits: digits }).format(v);
}

/** A YYYY-MM-DD date (or date-time) in the reader's language: "12 Dec 2022", "12 дек. 2022 г.", "12 դեկ, 2022 թ.". */
export function date(s) {
  if (!s) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  const fb = cldrFallback();
  if (fb) return fb.date(Number(m[3]), fb.months[Number(m[2]) - 1], m[1]);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

/** A day and month without the year, for chart axes: "12 Dec", "12 дек.", "12 déc.", "12 դեկ". */
export function dayMonth(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return s || '—';
  const fb = cldrFallback();
  if (fb) return `${Number(m[3])} ${fb.months[Number(m[2]) - 1]}`;
  return new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
}

/**
 * An enumeration value in words: term('utility', 'gas') -> "Gas", "Газ".
 * The message GROUP_CODE, else the code itself (hasTerm tells which).
 * Groups as in the report: utility, instrument, status, direction,
 * restriction, route_type, event_type, sub_event_type, unit, outcome, kind,
 * corr, stance, publisher_type, date_precision.
 */
export function term(group, code) {
  const key = `${group}_${code}`;
  return has(key) ? t(key) : String(code);
}
export const hasTerm = (group, code) => has(`${group}_${code}`);

// Lifeline's units that Intl formats itself (ECMA-402's sanctioned units);
// kcal, t, m³ and kJ are not among them: their CLDR symbols are in the
// catalogue (unit_kcal ...), written after the number as CLDR writes them.
const kIntlUnits = { kg: 'kilogram', g: 'gram', l: 'liter' };
const kSymbolUnits = new Set(['t', 'm3', 'kcal', 'kj']);

// The space CLDR puts between a number and a unit symbol in the language
// (French: U+202F), as Intl writes "2 kg".
function unitSpace() {
  if (cldrFallback()) return cldrFallback().unitSpace;
  const parts = new Intl.NumberFormat(locale(), { style: 'unit', unit: 'kilogram', unitDisplay: 'short' }).formatToParts(2);
  const lit = parts.find((p) => p.type === 'literal');
  return lit ? lit.value : '\u00a0';
}

/** A quantity with its unit: quantity(2100, 'kcal') -> "2,100 kcal", "2 100 ккал"; digits: exact decimals. */
export function quantity(v, unit, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const opts = { minimumFractionDigits: digits, maximumFractionDigits: digits };
  if (kIntlUnits[unit] && !cldrFallback()) {
    return new Intl.NumberFormat(locale(), { ...opts, style: 'unit', unit: kIntlUnits[unit], unitDisplay: 'short' }).format(v);
  }
  if (kIntlUnits[unit] || kSymbolUnits.has(unit)) return `${numberFormat(opts).format(v)}${unitSpace()}${term('unit', unit)}`;
  if (has(`unit.${unit}`)) return t(`unit.${unit}`, { count: { value: v, digits } });
  return `${numberFormat(opts).format(v)} ${unit}`;
}

/** A unit's short name alone, for headings: unit('kcal') -> "kcal", "ккал". */
export const unit = (u) => term('unit', u);

// The analysis states assumptions (and reasons) in English, without keys
// today. English catalogue messages PREFIX.* are matched to them: word for
// word, or with {name} parts standing for numbers, dates and codes.
const sentences = new Map();  // prefix -> [{key, names, re}]
function englishSentences(prefix) {
  if (!sentences.has(prefix)) {
    const list = [];
    for (const [key, text] of Object.entries(fallback)) {
      if (!key.startsWith(`${prefix}.`) || !text.includes('{')) continue;
      const names = [];
      let re = '';
      let ok = true;
      for (const part of text.split(/(\{[^{}]*\})/)) {
        if (/^\{[^{},]+\}$/.test(part)) { names.push(part.slice(1, -1)); re += '(.+?)'; } else if (part.includes('{') || part.includes('}')) { ok = false; break; } else re += part.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
      }
      if (ok) list.push({ key, names, re: new RegExp(`^${re}$`) });
    }
    sentences.set(prefix, list);
  }
  return sentences.get(prefix);
}

/**
 * The translation of a sentence the analysis writes in English, or null
 * (then show the English, marked lang="en"): the message PREFIX.KEY when key
 * is given and the English PREFIX.KEY has no {name} part; else the English
 * catalogue's PREFIX.* message equal to it or matching it with {name} parts
 * (PREFIX.KEY's first, so that a keyed sentence with values has them):
 * numbers shown in the language's format, dates as date(), codes with a term
 * of the group named like the part ({status}) as term(), {seed} and {record}
 * as written.
 *   analysisText('assumption', '', "a route's status on a day is ...")
 */
export function analysisText(prefix, key, english) {
  const keyed = key ? `${prefix}.${key}` : '';
  if (keyed && keyed in messages && !String(fallback[keyed] ?? '').includes('{')) return t(keyed);
  const text = String(english).replace(/'/g, '\u2019');
  for (const [k, v] of Object.entries(fallback)) {
    if (k.startsWith(`${prefix}.`) && v === text) return k in messages ? t(k) : null;
  }
  const list = englishSentences(prefix);
  for (const s of [...list.filter((x) => x.key === keyed), ...list]) {
    const m = s.re.exec(text);
    if (!m || !(s.key in messages)) continue;
    const vars = {};
    s.names.forEach((name, i) => {
      const part = m[i + 1];
      const digits = /^-?[\d,]*\.(\d+)$/.exec(part);
      if (name === 'seed' || name === 'record') vars[name] = part;
      else if (/^\d{4}-\d{2}-\d{2}$/.test(part)) vars[name] = date(part);
      else if (/^-?[\d,]+(\.\d+)?$/.test(part)) vars[name] = { value: Number(part.replace(/,/g, '')), digits: digits ? digits[1].length : 0 };
      else if (hasTerm(name, part)) vars[name] = term(name, part);
      else vars[name] = part;
    });
    return t(s.key, vars);
  }
  return null;
}

/** An assumption of the analysis in the reader's language, or null (see analysisText). */
export const assumption = (english, key = '') => analysisText('assumption', key, english);
