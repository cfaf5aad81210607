// Keeps ODK Web Forms' page-wide styles inside the form. Its stylesheet
// (injected as <style> elements when the bundle loads) starts with a CSS
// reset for the whole document: html's font size, body's colours, every
// button, input, select and label, the focus ring. In the dashboard, which
// is one document, that restyled everything (the language menu lost its
// arrow; native checkboxes changed). This module is imported before the
// renderer so it sees each <style> element the bundle adds to <head> and
// rewrites the rules that select by element alone (no class, id or Vue
// scope attribute) to apply only under `.odk-scope` (the element the form
// is mounted in: web/forms/entry.js). The prefix is `:where(.odk-scope)`,
// of zero specificity, so the rules still lose to the ones they lost to
// before. `html`, `body` and `:root` become the scope itself, except
// `:root` rules that only set custom properties (the form's variables,
// which its dialogs outside the scope read too). PrimeVue's theme styles
// (data-primevue-style-id) select by class only and are left alone.

import { scopeSelectorList } from './scope_css.js';

const onlyCustomProperties = (rule) => [...rule.style].every((p) => p.startsWith('--'));

function scopeRules(rules) {
  for (const rule of rules) {
    if (rule.selectorText !== undefined) {
      if (rule.selectorText.trim() === ':root' && onlyCustomProperties(rule)) continue;
      const scoped = scopeSelectorList(rule.selectorText);
      if (scoped !== rule.selectorText) rule.selectorText = scoped;
    } else if (rule.cssRules && !(rule instanceof CSSKeyframesRule)) {
      scopeRules(rule.cssRules);  // @media, @supports, @layer blocks
    }
  }
}

function scopeElement(el) {
  if (el.tagName !== 'STYLE' || el.hasAttribute('data-primevue-style-id') || el.dataset.odkScoped) return;
  el.dataset.odkScoped = 'true';
  if (el.sheet) scopeRules(el.sheet.cssRules);
}

const present = new Set(document.querySelectorAll('head style'));

/** Scopes the <style> elements added since this module loaded; idempotent. */
export function scopeNewStyles() {
  document.querySelectorAll('head style').forEach((el) => present.has(el) || scopeElement(el));
}

new MutationObserver(scopeNewStyles).observe(document.head, { childList: true });

/** The class the element a form is mounted in must have. */
export const kScopeClass = 'odk-scope';
