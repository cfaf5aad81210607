// Putting a kept instance's answers back into a loaded form (drafts, and a
// form opened with some answers given, e.g. a claim's `about`). Works on
// the @getodk/xforms-engine node tree of a created instance, walking it
// beside the kept XML element by element: a question gets the kept
// element's text; a repeat gets as many instances as the kept XML has.
// What the form no longer has (a draft of an older version of the form) is
// reported, not guessed at. meta/ is never copied: the new instance keeps
// its own instanceID. Uploads are not restored (a draft holds no file).
// Pure over its arguments; no I/O.

const kSkipped = new Set(['model-value', 'note', 'trigger', 'upload']);

// The element name of an engine node: the last step of its reference.
const nameOf = (node) => node.currentState.reference.split('/').pop().replace(/\[\d+\]$/, '');

const elementChildren = (el, name) => [...el.children].filter((c) => c.localName === name);

// Sets a leaf node to the instance text `text` (a select multiple's text is
// its values separated by spaces, as XForms serialises it). False when the
// form would not take it (a choice it no longer offers, a value of the
// wrong type): the answer is then reported as not fitting.
function setLeaf(node, text) {
  if (kSkipped.has(node.nodeType) || node.currentState.readonly) return true;
  if ((node.currentState.instanceValue ?? '') === text) return true;
  try {
    if (node.nodeType !== 'select') {
      node.setValue(text);
      return true;
    }
    if (node.definition.bodyElement.type === 'select') node.selectValues(text.split(' ').filter(Boolean));
    else node.selectValue(text || null);
    return (node.currentState.instanceValue ?? '') === text;
  } catch {
    return false;
  }
}

// Fills the children of `node` (a group, repeat instance or the root) from
// the kept element `el`; each kept child element used is added to `used`.
function fillChildren(node, el, used) {
  for (const child of node.currentState.children ?? []) {
    const name = nameOf(child);
    if (name === 'meta') {
      elementChildren(el, name).forEach((m) => markAll(m, used));
      continue;
    }
    const kept = elementChildren(el, name);
    if (child.nodeType.startsWith('repeat-range')) {
      fillRepeat(child, kept, used);
    } else if (child.currentState.children && kept.length) {
      used.add(kept[0]);
      fillChildren(child, kept[0], used);
    } else if (kept.length && setLeaf(child, kept[0].textContent)) {
      used.add(kept[0]);
    }
  }
}

function fillRepeat(range, kept, used) {
  const have = range.currentState.children.length;
  if (range.nodeType === 'repeat-range:uncontrolled') {
    for (let n = have; n < kept.length; n++) range.addInstances();
  }
  const instances = range.currentState.children;
  kept.forEach((el, i) => {
    used.add(el);
    if (i < instances.length) fillChildren(instances[i], el, used);
  });
}

function markAll(el, used) {
  used.add(el);
  [...el.children].forEach((c) => markAll(c, used));
}

// The paths of kept elements with an answer that were not used.
function leftOver(el, used, path, out) {
  const here = `${path}/${el.localName}`;
  if (!used.has(el)) {
    if (el.textContent.trim()) out.push(here);
    return out;
  }
  [...el.children].forEach((c) => leftOver(c, used, here, out));
  return out;
}

/**
 * Puts the answers of the instance XML `xml` into the engine instance whose
 * root node is `root`. Returns the paths (e.g. "/data/old_field") of the
 * non-empty answers the form has no place for. Throws when `xml` is not XML.
 */
export function fillFromXml(root, xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length || !doc.documentElement) {
    throw new Error('the kept answers are not XML');
  }
  const used = new Set([doc.documentElement]);
  fillChildren(root, doc.documentElement, used);
  return [...doc.documentElement.children].flatMap((c) => leftOver(c, used, `/${doc.documentElement.localName}`, []));
}

/** The engine node whose reference is `ref` (e.g. "/data/cargo[1]/unit") under `node`, or null. */
export function findNode(node, ref) {
  if (node.currentState.reference === ref) return node;
  for (const child of node.currentState.children ?? []) {
    const found = findNode(child, ref);
    if (found) return found;
  }
  return null;
}

/** Sets the question at `ref` (e.g. "/data/about") to `text`; false when the form has none. */
export function setOne(root, ref, text) {
  const node = findNode(root, ref);
  if (!node || node.currentState.children) return false;
  setLeaf(node, String(text));
  return true;
}

/** The version attribute of an instance's (or a form's primary instance's) root element: '' if none. */
export function formVersionOf(xml) {
  const m = /<instance>\s*<([\w:.-]+)[^>]*\sversion="([^"]*)"/.exec(xml) || /^\s*(?:<\?xml[^>]*\?>\s*)?<([\w:.-]+)[^>]*\sversion="([^"]*)"/.exec(xml);
  return m ? m[2] : '';
}
