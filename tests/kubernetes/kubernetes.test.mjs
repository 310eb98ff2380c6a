// deploy/kubernetes as an operator applies it: the base and every overlay rendered by the
// machine's `kubectl kustomize` (offline), each object validated against its API schema
// (kubernetes-models, @kubernetes-models/prometheus-operator), the references between the
// objects resolved, the PrometheusRule's rules checked and unit-tested by promtool, and the
// base's own configuration run by the real binary with its probes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { freePort, startServer, stopServer } from '../support/servers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const deploy = path.join(repo, 'deploy', 'kubernetes');
const exporterBinary = process.env.PE_EXPORTER_BINARY || path.join(repo, 'build', 'pipeline_exporter');

const models = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

const variants = ['base', 'overlays/sqlite-pvc', 'overlays/postgresql', 'overlays/ha-pair'];

// `kubectl kustomize DIR` → the objects, by kind (each kind once, but ConfigMap and Secret);
// each variant is rendered once and shared by the tests (which only read it, or clone it).
const rendered = new Map();
function render(dir) {
  if (!rendered.has(dir)) rendered.set(dir, renderOnce(dir));
  return rendered.get(dir);
}

function renderOnce(dir) {
  const text = execFileSync('kubectl', ['kustomize', path.join(deploy, dir)], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const objects = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
  // Newer kustomize wraps a Secret's base64 over lines, which the API server's decoder skips.
  for (const o of objects) {
    if (o.kind !== 'Secret') continue;
    for (const k of Object.keys(o.data ?? {})) o.data[k] = o.data[k].replace(/\s/g, '');
  }
  const one = (kind) => {
    const found = objects.filter((o) => o.kind === kind);
    assert.equal(found.length, 1, `${dir}: one ${kind}`);
    return found[0];
  };
  return { objects, one };
}

const subset = (selector, labels) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

test('every object of the base and the overlays is valid for its API and in one namespace', () => {
  for (const dir of variants) {
    const { objects } = render(dir);
    assert.ok(objects.length >= 8, `${dir}: ${objects.length} objects`);
    for (const o of objects) {
      const Model = models[`${o.apiVersion}/${o.kind}`];
      assert.ok(Model, `${dir}: no schema for ${o.apiVersion} ${o.kind}`);
      assert.doesNotThrow(() => new Model(o).validate(), `${dir}: ${o.kind} ${o.metadata.name}`);
      assert.equal(o.metadata.namespace, 'pipelines', `${dir}: ${o.kind} ${o.metadata.name}`);
      assert.equal(o.metadata.labels?.['app.kubernetes.io/name'], 'pipeline-exporter', `${dir}: ${o.kind} labels`);
    }
  }
});

test('the schemas refuse what the cluster would refuse (the check can fail)', () => {
  const { one } = render('base');
  const bad = structuredClone(one('Deployment'));
  bad.spec.template.spec.containers[0].ports[0].containerPort = 'http';
  assert.throws(() => new Deployment(bad).validate());
  const monitor = structuredClone(one('ServiceMonitor'));
  monitor.spec.endpoints[0].scheme = 'ftp';
  assert.throws(() => new ServiceMonitor(monitor).validate());
});

test('the Service, ServiceMonitor, PDB and NetworkPolicy select the pods and their port', () => {
  for (const dir of variants) {
    const { objects, one } = render(dir);
    const deployment = one('Deployment');
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0];
    const service = one('Service');
    assert.ok(subset(deployment.spec.selector.matchLabels, pod.metadata.labels), `${dir}: Deployment selector`);
    assert.ok(subset(service.spec.selector, pod.metadata.labels), `${dir}: Service selector`);
    const portNames = container.ports.map((p) => p.name);
    for (const p of service.spec.ports) assert.ok(portNames.includes(p.targetPort), `${dir}: Service targetPort ${p.targetPort}`);
    const monitor = one('ServiceMonitor');
    assert.ok(subset(monitor.spec.selector.matchLabels, service.metadata.labels), `${dir}: ServiceMonitor selector`);
    for (const e of monitor.spec.endpoints) {
      assert.ok(service.spec.ports.some((p) => p.name === e.port), `${dir}: ServiceMonitor port ${e.port}`);
      assert.ok(e.relabelings.some((r) => r.targetLabel === 'job' && r.replacement === 'pipeline_exporter'),
        `${dir}: job="pipeline_exporter", the mixin's default selector`);
    }
    assert.ok(subset(one('PodDisruptionBudget').spec.selector.matchLabels, pod.metadata.labels), `${dir}: PDB selector`);
    const policy = one('NetworkPolicy');
    assert.ok(subset(policy.spec.podSelector.matchLabels, pod.metadata.labels), `${dir}: NetworkPolicy selector`);
    assert.ok(policy.spec.ingress.some((r) => r.ports.some((p) => p.port === container.ports[0].containerPort)),
      `${dir}: NetworkPolicy lets the exporter's port in`);
    // Every ConfigMap, Secret and claim the pod mounts is rendered with it (hash suffixes too).
    for (const v of pod.spec.volumes) {
      if (v.configMap) assert.ok(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === v.configMap.name), `${dir}: ${v.name}`);
      if (v.secret) assert.ok(objects.some((o) => o.kind === 'Secret' && o.metadata.name === v.secret.secretName), `${dir}: ${v.name}`);
      if (v.persistentVolumeClaim) {
        assert.ok(objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === v.persistentVolumeClaim.claimName), `${dir}: ${v.name}`);
      }
    }
    for (const m of container.volumeMounts) assert.ok(pod.spec.volumes.some((v) => v.name === m.name), `${dir}: mount ${m.name}`);
  }
});

test('the pod runs as nobody on a read-only root with probes, resources and nothing to escalate', () => {
  for (const dir of variants) {
    const pod = render(dir).one('Deployment').spec.template.spec;
    const c = pod.containers[0];
    assert.equal(pod.automountServiceAccountToken, false, dir);
    assert.equal(pod.securityContext.runAsNonRoot, true, dir);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault', dir);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true, dir);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false, dir);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], dir);
    assert.equal(c.livenessProbe.httpGet.path, '/-/healthy', dir);
    assert.equal(c.readinessProbe.httpGet.path, '/-/ready', dir);
    assert.equal(c.startupProbe.httpGet.path, '/-/ready', dir);
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) assert.equal(p.httpGet.port, 'http', dir);
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, dir);
    // The exporter writes only where a volume is mounted: its state directory and /tmp.
    const mounted = c.volumeMounts.filter((m) => !m.readOnly).map((m) => m.mountPath);
    assert.ok(mounted.includes('/var/lib/pipeline_exporter') && mounted.includes('/tmp'), `${dir}: ${mounted}`);
    const config = c.args.find((a) => a.startsWith('--config.file='));
    assert.ok(c.volumeMounts.some((m) => config.slice('--config.file='.length).startsWith(m.mountPath)), dir);
  }
});

test('each overlay is what it says: one SQLite writer, PostgreSQL with a secret password, an HA pair', () => {
  const sqlite = render('overlays/sqlite-pvc');
  const sd = sqlite.one('Deployment');
  assert.equal(sd.spec.replicas, 1);
  assert.equal(sd.spec.strategy.type, 'Recreate');
  assert.deepEqual(sqlite.one('PersistentVolumeClaim').spec.accessModes, ['ReadWriteOnce']);
  const sqliteConfig = YAML.parse(sqlite.one('ConfigMap').data['exporter.yml']);
  const dataMount = sd.spec.template.spec.containers[0].volumeMounts.find((m) => m.name === 'events');
  for (const p of sqliteConfig.pipelines) {
    assert.match(p.database, new RegExp(`^sqlite3://db=${dataMount.mountPath}/`), 'the database file is on the claim');
  }

  const pg = render('overlays/postgresql');
  const pgConfig = YAML.parse(pg.one('ConfigMap').data['exporter.yml']);
  for (const p of pgConfig.pipelines) {
    assert.match(p.database, /^postgresql:\/\//);
    assert.match(p.database, /password=\$\{DB_PASSWORD\}/, 'the password comes from the Secret, not the ConfigMap');
  }
  const env = pg.one('Deployment').spec.template.spec.containers[0].envFrom;
  assert.ok(env.some((e) => e.secretRef?.name === 'pipeline-exporter-env'));

  const ha = render('overlays/ha-pair');
  const hd = ha.one('Deployment');
  assert.equal(hd.spec.replicas, 2);
  assert.equal(hd.spec.strategy.rollingUpdate.maxUnavailable, 0);
  const anti = hd.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
  assert.equal(anti.topologyKey, 'kubernetes.io/hostname');
  assert.ok(subset(anti.labelSelector.matchLabels, hd.spec.template.metadata.labels));
  const pdb = ha.one('PodDisruptionBudget').spec;
  assert.equal(pdb.minAvailable, 1);
  assert.equal(pdb.maxUnavailable, undefined);
  assert.deepEqual(YAML.parse(ha.one('ConfigMap').data['exporter.yml']), pgConfig, 'the pair tails what the postgresql overlay tails');
});

test("the PrometheusRule holds the shipped rules, which promtool checks and unit-tests", () => {
  const rule = render('base').one('PrometheusRule');
  const shipped = ['pipeline_recording.yml', 'pipeline_alerts.yml']
    .flatMap((f) => YAML.parse(readFileSync(path.join(repo, 'prometheus', 'rules', f), 'utf8')).groups);
  assert.deepEqual(rule.spec.groups, shipped);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-k8s-rules-'));
  try {
    mkdirSync(path.join(dir, 'rules'));
    mkdirSync(path.join(dir, 'tests'));
    writeFileSync(path.join(dir, 'rules', 'prometheusrule.yml'), YAML.stringify({ groups: rule.spec.groups }));
    execFileSync('promtool', ['check', 'rules', path.join(dir, 'rules', 'prometheusrule.yml')], { stdio: 'pipe' });
    // The alert tests of prometheus/tests, run against the PrometheusRule's groups.
    const tests = YAML.parse(readFileSync(path.join(repo, 'prometheus', 'tests', 'pipeline_alerts_test.yml'), 'utf8'));
    tests.rule_files = ['../rules/prometheusrule.yml'];
    writeFileSync(path.join(dir, 'tests', 'alerts_test.yml'), YAML.stringify(tests));
    const out = execFileSync('promtool', ['test', 'rules', path.join(dir, 'tests', 'alerts_test.yml')], { stdio: 'pipe' }).toString();
    assert.match(out, /SUCCESS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the base's configuration runs: probes answer without credentials, the rest asks for them", async () => {
  const { one, objects } = render('base');
  const config = one('ConfigMap').data['exporter.yml'];
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('pipeline-exporter-web'));
  const webConfig = YAML.parse(Buffer.from(secret.data['web-config.yml'], 'base64').toString());
  assert.deepEqual(webConfig, { basic_auth_users: {} });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-k8s-run-'));
  let proc;
  try {
    // The pod's paths, moved into a directory of this test; a user, as an operator adds one.
    writeFileSync(path.join(dir, 'exporter.yml'), config.replaceAll('/var/lib/pipeline_exporter', dir));
    const hash = execFileSync('htpasswd', ['-nbBC', '10', 'alice', 's3cret']).toString().trim().split(':')[1];
    writeFileSync(path.join(dir, 'web-config.yml'), YAML.stringify({ basic_auth_users: { alice: hash } }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const args = one('Deployment').spec.template.spec.containers[0].args
      .filter((a) => !a.startsWith('--config.file=') && !a.startsWith('--web.config.file=') && !a.startsWith('--web.listen-address='));
    proc = await startServer(exporterBinary, [...args, `--config.file=${dir}/exporter.yml`,
      `--web.config.file=${dir}/web-config.yml`, `--web.listen-address=127.0.0.1:${port}`],
    { cwd: dir, readyUrl: `${base}/-/ready`, what: 'the exporter with the base configuration' });
    const healthy = await fetch(`${base}/-/healthy`);
    assert.equal(healthy.status, 200);
    assert.equal(await healthy.text(), 'healthy\n');
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    assert.equal((await fetch(`${base}/api/health`)).status, 401);
    const alice = { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };
    const metrics = await (await fetch(`${base}/metrics`, { headers: alice })).text();
    assert.match(metrics, /^pipeline_exporter_db_up\{pipeline="default"\} 1$/m);
  } finally {
    await stopServer(proc);
    rmSync(dir, { recursive: true, force: true });
  }
});
