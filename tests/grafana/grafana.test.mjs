// The dashboards as Grafana reads them, and the PromQL as Prometheus parses it — without a
// Grafana server (none exists in Debian or npm): every shipped dashboard conforms to
// @grafana/schema's v1 Dashboard, and every expression of the dashboards and rules parses
// with @prometheus-io/lezer-promql. The conventions lint (tests/monitoring) and the live
// query check against a real Prometheus (tests/e2e/monitoring_live_test) stay as they are.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardQueries, dashboards, promqlErrors, ruleFiles, ruleQueries, typeCheckDashboards,
  withVariables } from './checks.mjs';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

test('every shipped dashboard conforms to Grafana\'s v1 dashboard model', () => {
  assert.equal(dashboards().length, 2);
  assert.equal(typeCheckDashboards(dashboards()), '');
});

test('a misspelled panel field and a mistyped one fail the check', () => {
  const out = typeCheckDashboards([path.join(fixtures, 'misspelled-panel.json')]);
  assert.match(out, /^misspelled-panel\.json\(10,7\): error TS2353: .*'"gridPoss"' does not exist/m);
  assert.match(out, /^misspelled-panel\.json\(18,7\): error TS2322: Type 'string' is not assignable to type 'boolean/m);
});

test('every PromQL expression of the dashboards and rules parses', () => {
  const queries = [...dashboards().flatMap(dashboardQueries), ...ruleFiles().flatMap(ruleQueries)];
  assert.ok(queries.length >= 60, `only ${queries.length} expressions found`);
  const bad = queries.map((q) => ({ ...q, errors: promqlErrors(withVariables(q.expr)) }))
    .filter((q) => q.errors.length > 0);
  assert.deepEqual(bad, []);
});

test('the PromQL check finds a broken expression', () => {
  assert.deepEqual(promqlErrors('sum by (le) (rate(pipeline_file_duration_seconds_bucket[5m]))'), []);
  assert.notDeepEqual(promqlErrors('sum by (le) (rate(pipeline_file_duration_seconds_bucket[5m])'), []);
  assert.notDeepEqual(promqlErrors('pipeline_stage_files{pipeline=}'), []);
});
