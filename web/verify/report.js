// Reading a Lifeline report (docs/report.md, "The figures, as data") in the
// browser: the data block, the visible figure elements and the visible
// checkpoint note, as src/report/verify.cc reads them. DOMParser builds an
// inert document: no script of the report runs, nothing is loaded.

export class ReportError extends Error {}

/** Parses report HTML into {block, elements: [{key, value, text}], shownNote}. */
export function readReport(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const blocks = doc.querySelectorAll('script#lifeline-report');
  if (blocks.length === 0) throw new ReportError('not a Lifeline report: no <script type="application/json" id="lifeline-report"> block');
  if (blocks.length > 1) throw new ReportError(`the report has ${blocks.length} lifeline-report blocks, not one`);
  let block;
  try {
    block = JSON.parse(blocks[0].textContent);
  } catch (e) {
    throw new ReportError(`the lifeline-report block is not JSON: ${e.message}`);
  }
  checkBlock(block);
  const elements = [];
  for (const el of doc.querySelectorAll('data.fig')) {
    if (!el.hasAttribute('data-key')) throw new ReportError('a figure element without data-key');
    elements.push({
      key: el.getAttribute('data-key'),
      value: el.hasAttribute('value') ? el.getAttribute('value') : null,
      text: el.textContent,
    });
  }
  const pre = doc.querySelectorAll('pre#checkpoint-note');
  const shownNote = pre.length === 1 ? pre[0].textContent : null;
  return { block, elements, shownNote, notes: pre.length };
}

function checkBlock(b) {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new ReportError('the lifeline-report block is not a JSON object');
  if (b.version !== 1) throw new ReportError('the lifeline-report block has no "version": 1 (unsupported report version)');
  for (const k of ['case', 'from', 'to', 'lang']) {
    if (typeof b[k] !== 'string') throw new ReportError(`the lifeline-report block has no string "${k}"`);
  }
  const c = b.checkpoint;
  if (!c || typeof c !== 'object' || typeof c.note !== 'string' || !Number.isSafeInteger(c.size) || c.size < 0 || typeof c.root !== 'string') {
    throw new ReportError('the lifeline-report block has no complete "checkpoint" (size, root, note)');
  }
  if (!b.figures || typeof b.figures !== 'object' || Array.isArray(b.figures)) throw new ReportError('the lifeline-report block has no "figures" object');
  for (const [k, v] of Object.entries(b.figures)) {
    if (typeof v !== 'string') throw new ReportError(`figure "${k}" is not a string`);
  }
}

const ASCII_DIGITS = /[0-9]/g;

function digitsOf(s) {
  return (s.match(ASCII_DIGITS) || []).join('');
}

/**
 * Whether the visible text of a figure element plausibly says its canonical
 * value, without the report's message catalogues: the digits must be the
 * value's digits (numbers: in order; ISO dates: day and year, and the month
 * when written as a number). The wording (units, month names, "at least")
 * is not checked here; `lifeline verify-report` compares the exact text.
 * Returns null when it agrees, else what is wrong.
 */
export function textDisagrees(value, text) {
  if (value === '') return null;
  const t = digitsOf(text);
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) {
    if (t !== digitsOf(value)) return `the text "${text}" does not say ${value}`;
    if (value.startsWith('-') && !/[-\u2212\u2012\u2013]/.test(text)) return `the text "${text}" does not say ${value} (no minus sign)`;
    return null;
  }
  const m = value.match(/^([0-9]{4})-([0-9]{2})-([0-9]{2})$/);
  if (m) {
    const [, y, mm, dd] = m;
    const d = String(Number(dd));
    const mo = String(Number(mm));
    const ok = [d + y, dd + y, y + d, y + dd, y + mm + dd, dd + mm + y, d + mo + y, mo + d + y, mm + dd + y].includes(t);
    return ok ? null : `the text "${text}" does not say the date ${value}`;
  }
  const norm = (s) => s.replace(/\s+/g, '');
  if (!norm(text).includes(norm(value))) return `the text "${text}" does not say "${value}"`;
  return null;
}
