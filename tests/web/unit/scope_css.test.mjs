// Unit tests of web/forms/scope_css.js: which of ODK Web Forms' selectors are
// put under the form's scope (element-only ones) and which are left alone
// (the form's classes, ids and Vue-scoped rules). Run with
// `node --test tests/web/unit/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scopeSelectorList } from '../../../web/forms/scope_css.js';

const S = ':where(.odk-scope)';

test('element-only selectors go under the scope, with zero added specificity', () => {
  assert.equal(scopeSelectorList('button, input, optgroup, select, textarea'),
    `${S} button, ${S} input, ${S} optgroup, ${S} select, ${S} textarea`);
  assert.equal(scopeSelectorList('*, ::before, ::after'), `${S} *, ${S} ::before, ${S} ::after`);
  assert.equal(scopeSelectorList('[type="search"]'), `${S} [type="search"]`);
  assert.equal(scopeSelectorList(':focus-visible'), `${S} :focus-visible`);
  assert.equal(scopeSelectorList('h1, h2, b, strong'), `${S} h1, ${S} h2, ${S} b, ${S} strong`);
});

test('html, body and :root become the scope itself', () => {
  assert.equal(scopeSelectorList('html'), S);
  assert.equal(scopeSelectorList('body'), S);
  assert.equal(scopeSelectorList(':root'), S);
  assert.equal(scopeSelectorList('html:focus-within'), `${S}:focus-within`);
  // Names that only start like them are elements of their own.
  assert.equal(scopeSelectorList('htmlx'), `${S} htmlx`);
  assert.equal(scopeSelectorList('bodyguard'), `${S} bodyguard`);
});

test('the form\'s own rules are left as they are', () => {
  for (const sel of ['.p-button', 'label[data-v-c2f75716]', '#node-1', '.odk-form .questions-card',
    'label.required[data-v-c2f75716]::before', '& p']) {
    assert.equal(scopeSelectorList(sel), sel);
  }
});

test('a list is split at its top-level commas only', () => {
  assert.equal(scopeSelectorList('a:is(b, c), .x'), `${S} a:is(b, c), .x`);
  assert.equal(scopeSelectorList('[title="a,b"], p'), `${S} [title="a,b"], ${S} p`);
});
