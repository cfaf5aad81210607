// The selector rewriting of scope_styles.js, pure (no DOM), so that it can
// be unit-tested (tests/web/unit/scope_css.test.mjs): a selector that picks
// elements by name alone (no class, id or Vue scope attribute) is put under
// `:where(.odk-scope)`; `html`, `body` and `:root` become that scope.

const kScope = ':where(.odk-scope)';
// A compound that is the form's own: a class, an id or Vue's scope attribute.
const kLocal = /\.[A-Za-z_-]|#[A-Za-z_-]|\[data-v-/;
const kDocument = /^(html|body|:root)(?=$|[\s>+~:[])/;

// One selector of a list, scoped when it selects by element alone.
function scopeSelector(sel) {
  const s = sel.trim();
  if (!s || s.includes('&') || kLocal.test(s)) return s;
  if (kDocument.test(s)) {
    const rest = s.replace(kDocument, '');
    return `${kScope}${rest}`;
  }
  return `${kScope} ${s}`;
}

// Splits a selector list at its top-level commas (not inside :is(), [..]).
function splitList(text) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The selector list `text` with each of its selectors scoped as above. */
export function scopeSelectorList(text) {
  return splitList(text).map(scopeSelector).join(', ');
}
