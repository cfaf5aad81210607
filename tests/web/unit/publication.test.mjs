// The dashboard's static mode (web/js/api.js snapshotPath): each API path the
// pages ask maps to the snapshot file `lifeline publish` writes for it
// (docs/publish.md), and what a publication does not hold maps to nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotPath } from '../../../web/js/api.js';

const pub = { snapshot: 'snapshot/524/', checkpoint: { size: 524 }, consistency_from: [424] };
const at = (path) => snapshotPath(path, pub);

test('the routes the dashboard reads map to their snapshot files', () => {
  assert.equal(at('/api/v1/cases'), 'snapshot/524/cases.json');
  assert.equal(at('/api/v1/checkpoint'), 'snapshot/524/checkpoint.json');
  for (const a of ['headline', 'indicators', 'compliance', 'scenarios']) {
    assert.equal(at(`/api/v1/cases/lachin-2022-23/${a}`), `snapshot/524/cases/lachin-2022-23/${a}.json`);
  }
  assert.equal(at('/api/v1/cases/c/forecast?scenario=airlift'), 'snapshot/524/cases/c/forecast/airlift.json');
  assert.equal(at('/api/v1/records/a%3Ab'), 'snapshot/524/records/a%3Ab.json');
  assert.equal(at('/api/v1/consistency?from=424&to=524'), 'snapshot/524/consistency/424.json');
});

test('what needs the live server maps to nothing', () => {
  for (const path of [
    '/api/v1/cases/c/indicators?from=2023-01-01',  // a date range
    '/api/v1/cases/c/headline?at=100',             // an older checkpoint
    '/api/v1/cases/c/forecast',                    // no scenario
    '/api/v1/cases/c/report?lang=en',
    '/api/v1/cases/c/export?format=csv',
    '/api/v1/consistency?from=100&to=524',         // a size never published
    '/api/v1/consistency?from=424&to=600',         // not this checkpoint
    '/api/v1/tokens',
    '/api/v1/cases/c/../../../etc',
  ]) {
    assert.equal(at(path), null, path);
  }
});
