// The dashboard's face of js/trust.js: the browser's storage and fetches
// passed to it, the trust status in the page's footer (the pinned key's
// fingerprint, the checkpoint, the quorum and its cosigners, and the
// verdict), the field to pin a key, and each verdict in words.
import { h, mount } from './dom.js';
import { getJson, getToken, staticPublication } from './api.js';
import { t, tn, num } from './i18n.js';
import { announce } from './ui.js';
import { checkCheckpoint, pinKey, acceptPolicy, pinFromHash } from './trust.js';

function storage() {
  try {
    return window.localStorage;
  } catch {
    const mem = new Map();
    return { getItem: (k) => (mem.has(k) ? mem.get(k) : null), setItem: (k, v) => mem.set(k, String(v)) };
  }
}

async function getText(path) {
  const headers = {};
  const token = staticPublication() ? '' : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.text();
}

/** What trust.js needs, from this page: localStorage and this server. */
export function browserEnv() {
  return {
    storage: storage(),
    origin: location.origin,
    logKey: async () => (await getJson('/api/v1/checkpoint')).vkey,
    policy: () => getText('/witness-policy'),
    consistency: async (from, to) => {
      try {
        const r = await getJson(`/api/v1/consistency?from=${from}&to=${to}`);
        return Array.isArray(r.proof) ? r.proof : null;
      } catch {
        return null;  // not offered: trust.js says the growth is unproven
      }
    },
  };
}

/** `#pin=<vkey>`: pins it, then goes on to the home page. Resolves to true when handled. */
export async function pinFromLocation() {
  const vkey = pinFromHash(location.hash);
  if (vkey === null) return false;
  try {
    await pinKey(storage(), location.origin, vkey, 'explicit');
    announce(t('trust_pinned'));
  } catch (e) {
    announce(t('trust_pin_bad', { error: e.message }));
  }
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return true;
}

const code = (text) => h('code', {}, text);
const quorumNode = (q) => (q === 'none' ? t('trust_quorum_none') : tn('trust_quorum', { quorum: code(q) }));
const cosignersNode = (v) => (v.cosigners.length ? tn('trust_cosigners', { names: code(v.cosigners.join(', ')) }) : t('trust_cosigners_none'));

/** One line per failure and alarm, in words, each naming what failed. */
export function problemItems(v) {
  const items = [];
  for (const a of v.alarms) {
    items.push(h('li', { class: 'trust-alarm', dataset: { code: a.code } },
      tn(`trust_alarm_${a.code}`, { size: code(a.size || ''), seen: code(a.seenSize || ''), from: code(a.from || ''),
        to: code(a.to || ''), detail: code(a.detail || '') })));
  }
  for (const f of v.failures) {
    items.push(h('li', { class: 'trust-failure', dataset: { code: f.code } },
      tn(`trust_fail_${f.code}`, {
        detail: code(f.detail || ''), name: code(f.name || ''), names: code(f.names || ''), witness: code(f.witness || ''),
        quorum: code(f.quorum || ''), cosigners: f.cosigners ? code(f.cosigners) : t('none'), from: code(f.from || ''),
        to: code(f.to || ''),
      })));
  }
  return items;
}

/** The words of a status: verified, unwitnessed, failed or alarm. */
export function statusText(status) {
  return t(`trust_status_${status}`);
}

let seq = 0;

/** Fills the footer's trust status from this server's /checkpoint. */
export async function refreshTrustStatus() {
  const el = document.getElementById('trust-status');
  if (!el) return;
  const mine = ++seq;
  let v;
  try {
    v = await checkCheckpoint(browserEnv(), await getText('/checkpoint'));
  } catch (e) {
    v = { status: 'failed', key: null, checkpoint: null, cosigners: [], failures: [{ code: 'no_key', detail: e.message }], alarms: [], policyChange: null, quorum: 'none' };
  }
  if (mine !== seq) return;
  el.className = `trust trust-${v.status}`;
  el.dataset.status = v.status;
  const facts = [];
  if (v.key) {
    facts.push(h('span', {}, tn('trust_key', { fingerprint: h('code', { id: 'trust-fingerprint' }, v.key.fingerprint) }), ' ',
      h('span', { class: 'trust-how' }, t(v.key.how === 'explicit' ? 'trust_key_explicit' : 'trust_key_tofu'))));
  }
  if (v.checkpoint) facts.push(h('span', { id: 'trust-size' }, tn('trust_checkpoint', { size: num(Number(v.checkpoint.size)) })));
  facts.push(h('span', { id: 'trust-quorum' }, quorumNode(v.quorum)));
  if (v.quorum !== 'none') facts.push(h('span', { id: 'trust-cosigners' }, cosignersNode(v)));
  const problems = problemItems(v);

  const input = h('input', { id: 'trust-pin-input', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { id: 'trust-pin-form' },
    h('label', { for: 'trust-pin-input' }, t('trust_pin_label')), input,
    h('button', { type: 'submit' }, t('trust_pin_button')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await pinKey(storage(), location.origin, input.value, 'explicit');
      announce(t('trust_pinned'));
      refreshTrustStatus();
    } catch (err) {
      announce(t('trust_pin_bad', { error: err.message }));
    }
  });
  let change = null;
  if (v.policyChange) {
    const accept = h('button', { type: 'button', id: 'trust-accept-policy' }, t('trust_accept_policy'));
    accept.addEventListener('click', async () => {
      await acceptPolicy(storage(), location.origin, v.policyChange.text);
      refreshTrustStatus();
    });
    change = h('p', { id: 'trust-policy-change', class: 'trust-warning' },
      tn('trust_policy_changed', { pinned: code(v.policyChange.pinnedQuorum), served: code(v.policyChange.quorum) }), ' ', accept);
  }
  mount(el,
    h('p', { id: 'trust-summary' }, h('strong', { id: 'trust-verdict' }, statusText(v.status)), ' · ',
      facts.flatMap((f, i) => (i ? [' · ', f] : [f]))),
    problems.length ? h('ul', { id: 'trust-problems' }, problems) : null,
    change,
    h('details', { class: 'trust-pin' }, h('summary', {}, t('trust_pin_summary')), h('p', {}, t('trust_explain')), form));
}
