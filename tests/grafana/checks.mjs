// What the Grafana checks share: the shipped dashboards and rule files, a type check of a
// dashboard JSON against @grafana/schema's v1 Dashboard (the model Grafana itself is
// generated from; unknown and mistyped fields are errors), and PromQL parsing with
// Prometheus's own lezer grammar.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);

const jsonFiles = (dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
export const dashboards = () => jsonFiles(path.join(repo, 'grafana', 'dashboards'));
export const ruleFiles = () => readdirSync(path.join(repo, 'prometheus', 'rules'))
  .filter((f) => f.endsWith('.yml')).sort().map((f) => path.join(repo, 'prometheus', 'rules', f));

// The v1 model as a JSON file spells it: a TypeScript string enum member is its value.
const SCHEMA = `import type { Dashboard } from '@grafana/schema';
type AsJson<T> = T extends string ? \`\${T}\`
  : T extends Array<infer U> ? Array<AsJson<U>>
  : T extends object ? { [K in keyof T]: AsJson<T[K]> } : T;
export type DashboardJson = AsJson<Dashboard>;
`;

// Type-checks dashboard JSON files; returns tsc's messages (empty when all conform).
export function typeCheckDashboards(files) {
  // Beside node_modules, so that '@grafana/schema' resolves from the generated files.
  const dir = mkdtempSync(path.join(here, '.check-'));
  try {
    writeFileSync(path.join(dir, 'schema.ts'), SCHEMA);
    const sources = files.map((file, i) => {
      const ts = path.join(dir, `dashboard_${i}.ts`);
      // `satisfies` on the object literal: excess (unknown) properties are errors too. All on
      // the JSON's first line, so that tsc's line numbers are the file's.
      writeFileSync(ts, `import type { DashboardJson } from './schema'; export const dashboard = (` +
        `${readFileSync(file, 'utf8').trimEnd()}) satisfies DashboardJson;\n`);
      return ts;
    });
    const tsc = require.resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022',
        '--module', 'esnext', '--moduleResolution', 'bundler', ...sources],
      { cwd: here, encoding: 'utf8', stdio: 'pipe' });
      return '';
    } catch (e) {
      const out = `${e.stdout || ''}${e.stderr || ''}`;
      // Name the JSON file rather than the generated one.
      return out.replace(/(?:\.check-[^/\s]*\/)?dashboard_(\d+)\.ts/g, (_, i) => path.basename(files[Number(i)]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Every panel query of a dashboard (rows' panels included): { where, expr }.
export function dashboardQueries(file) {
  const d = JSON.parse(readFileSync(file, 'utf8'));
  const out = [];
  const walk = (panels) => {
    for (const p of panels || []) {
      for (const t of p.targets || []) {
        if (t.expr) out.push({ where: `${path.basename(file)} / ${p.title}`, expr: t.expr });
      }
      walk(p.panels);
    }
  };
  walk(d.panels);
  for (const v of d.templating?.list || []) {
    const q = typeof v.query === 'object' ? v.query?.query : null;
    // label_values(…) is Grafana's, not PromQL: its selector is.
    const m = q && /^label_values\((.*),\s*[a-zA-Z_]+\)$/.exec(q);
    if (m) out.push({ where: `${path.basename(file)} / variable ${v.name}`, expr: m[1] });
  }
  return out;
}

export function ruleQueries(file) {
  const doc = YAML.parse(readFileSync(file, 'utf8'));
  return doc.groups.flatMap((g) => g.rules.map((r) => ({
    where: `${path.basename(file)} / ${r.record || r.alert}`, expr: r.expr,
  })));
}

// Grafana's variables as it fills them before the query reaches Prometheus.
export function withVariables(expr) {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s')
    .replaceAll('$__range', '1h').replace(/\$\{?([a-z_]+)\}?/g, 'x');
}

// The parse errors of a PromQL expression by Prometheus's own grammar ([] when none).
export function promqlErrors(expr) {
  const errors = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: …${expr.slice(node.from, node.from + 20)}`);
    },
  });
  return errors;
}
