#!/usr/bin/env bash
# Writes what the monitoring mixin (mixin/) generates: prometheus/rules/*.yml,
# grafana/dashboards/*.json and deploy/kubernetes/base/prometheusrule.yaml.
#   --check   write nothing; exit 1 and show the difference when a committed file is not
#             what the mixin generates (ctest runs this: one source, no drift)
# Needs Debian's jsonnet, python3 and python3-yaml. jsonnet evaluates; Python writes the
# files (jsonnet 0.18's own std.manifestYamlDoc takes seconds per file).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=write
[ "${1:-}" = --check ] && mode=check
jsonnet -J mixin mixin/generate.jsonnet | python3 -c '
import difflib, json, sys
import yaml

mode = sys.argv[1]
HEADER = "# Generated from mixin/ by scripts/generate-mixin.sh: edit the mixin, not this file.\n"
# Keys in the order people read them; the rest after, in jsonnet (sorted) order.
FIRST = ["apiVersion", "kind", "metadata", "name", "alert", "record", "expr", "for", "labels",
         "annotations", "summary", "description"]

def ordered(v):
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: (FIRST.index(k) if k in FIRST else len(FIRST), k))
        return {k: ordered(v[k]) for k in keys}
    if isinstance(v, list):
        return [ordered(x) for x in v]
    return v

class Dumper(yaml.SafeDumper):
    pass

def text(dumper, s):
    # Multi-line expressions as literal blocks, as people write them.
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)

Dumper.add_representer(str, text)

def indented_lists(dumper_cls):
    class D(dumper_cls):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)
    return D

status = 0
for path, f in json.load(sys.stdin).items():
    if f["format"] == "yaml":
        body = HEADER + yaml.dump(ordered(f["value"]), Dumper=indented_lists(Dumper), sort_keys=False,
                                  allow_unicode=True, width=1 << 16)
    else:
        body = json.dumps(f["value"], indent=2, ensure_ascii=False) + "\n"
    if mode == "check":
        try:
            old = open(path, encoding="utf-8").read()
        except FileNotFoundError:
            old = ""
        if old != body:
            sys.stderr.writelines(difflib.unified_diff(old.splitlines(True), body.splitlines(True), path, "generated"))
            print(f"generate-mixin: {path} differs from what mixin/ generates; run scripts/generate-mixin.sh", file=sys.stderr)
            status = 1
    else:
        with open(path, "w", encoding="utf-8") as out:
            out.write(body)
        print(f"generate-mixin: wrote {path}")
sys.exit(status)
' "$mode"
