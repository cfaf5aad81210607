// Message catalogues (web/i18n/<lang>.json): interface text only. Record
// content is shown as recorded, in its own language.
export const kLanguages = ['en', 'hy', 'ru', 'fr'];
const kLangKey = 'lifeline.lang';

let current = 'en';
let messages = {};
let fallback = {};

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

/** Loads lang's catalogue, remembers the choice and sets <html lang>. */
export async function setLanguage(lang) {
  if (!kLanguages.includes(lang)) lang = 'en';
  if (!Object.keys(fallback).length) fallback = await load('en');
  messages = lang === 'en' ? fallback : await load(lang);
  current = lang;
  try {
    localStorage.setItem(kLangKey, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = lang;
  translateStatic(document);
}

export const language = () => current;

/** The message for key, with {name} replaced by vars.name. */
export function t(key, vars = {}) {
  let s = messages[key] ?? fallback[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** Fills elements marked data-i18n (text) and data-i18n-aria (aria-label). */
export function translateStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

const locales = { en: 'en-GB', hy: 'hy-AM', ru: 'ru-RU', fr: 'fr-FR' };

export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return new Intl.NumberFormat(locales[current], { maximumFractionDigits: digits }).format(v);
}

export function pct(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return new Intl.NumberFormat(locales[current], { style: 'percent', maximumFractionDigits: 1 }).format(v);
}

/** A YYYY-MM-DD date (or date-time) in the reader's language. */
export function date(s) {
  if (!s) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(locales[current], { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}
