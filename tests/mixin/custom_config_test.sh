#!/usr/bin/env bash
# The mixin under a configuration other than its default, as a team on Kubernetes would set
# it: another job, a namespace in the selector and in the instance labels, other thresholds.
# Every expression must then select with that selector and keep `namespace` in its
# aggregations, the rules must pass promtool, and the dashboards' job variable must use it;
# the mixin's files must be jsonnetfmt-clean.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "custom_config_test: $*" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

jsonnetfmt --test mixin/*.libsonnet mixin/*/*.libsonnet mixin/*.jsonnet ||
  fail "run jsonnetfmt -i on the files above"

cat >"$out/custom.jsonnet" <<'JSONNET'
(import 'mixin.libsonnet') + {
  _config+:: {
    pipelineExporterSelector: 'job="batch/pipeline-exporter", namespace="batch"',
    instanceLabels: ['namespace', 'job', 'instance'],
    stageStalledSeconds: 1800,
    batchDeadlineSeconds: 7200,
    failureRatioThreshold: 0.2,
  },
}
JSONNET
# JSON is YAML: promtool reads jsonnet's output as it is.
jsonnet -J mixin -e "(import '$out/custom.jsonnet').prometheusAlerts" >"$out/alerts.yml"
jsonnet -J mixin -e "(import '$out/custom.jsonnet').prometheusRules" >"$out/rules.yml"
jsonnet -J mixin -e "(import '$out/custom.jsonnet').grafanaDashboards" >"$out/dashboards.json"
promtool check rules "$out/rules.yml" "$out/alerts.yml" >/dev/null || fail "promtool refused the custom rules"

python3 - "$out" <<'PY'
import json, re, sys
import yaml
out = sys.argv[1]
errors = []
def exprs(path):
    for group in yaml.safe_load(open(path))["groups"]:
        for rule in group["rules"]:
            yield rule["expr"]
sel = 'job="batch/pipeline-exporter", namespace="batch"'
n = 0
for path in (out + "/alerts.yml", out + "/rules.yml"):
    for e in exprs(path):
        n += 1
        # every metric selector carries the custom selector (recording rules' outputs excepted)
        for sel_m in re.finditer(r'\b([a-z_]+)\{([^}]*)\}', e):
            name, labels = sel_m.groups()
            if ":" in name or name in ("sum", "max"):
                continue
            if sel not in labels:
                errors.append(f"{name}{{{labels}}} lacks the selector in: {e.strip()[:80]}")
        # and no metric is named without one
        bare = re.sub(r'\{[^}]*\}', '{}', e)
        bare = re.sub(r'\b(?:by|on|without|group_left|group_right) \([^)]*\)', '', bare)
        for name in re.findall(r'\b(pipeline_[a-z0-9_:]+|up)\b(?!\{)', bare):
            if ":" not in name:
                errors.append(f"{name} without the selector in: {e.strip()[:80]}")
        for by in re.findall(r'\b(?:by|on) \(([^)]*)\)', e):
            if by.strip() and "namespace" not in by:
                errors.append(f"by/on ({by}) lacks namespace in: {e.strip()[:80]}")
if n < 20:
    errors.append(f"only {n} expressions found")
alerts = json.dumps(yaml.safe_load(open(out + "/alerts.yml")), ensure_ascii=False).replace('\\"', '"')
for needle in ["> 1800", "+ 7200", "> 0.2", "(threshold 30m)", "else 2h", "(threshold 20%)"]:
    if needle not in alerts and needle not in open(out + "/rules.yml").read():
        errors.append(f"{needle!r} not in the rules")
dash = json.load(open(out + "/dashboards.json"))
for name, d in dash.items():
    job = next(v for v in d["templating"]["list"] if v["name"] == "job")
    if job["query"]["query"] != 'label_values(pipeline_exporter_build_info{%s}, job)' % sel:
        errors.append(f"{name}: job variable {job['query']['query']}")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"custom_config_test: {n} expressions select with the custom selector and keep namespace")
PY
