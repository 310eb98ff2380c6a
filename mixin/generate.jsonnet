// Every file the mixin generates, by its path in the repository, with its format:
// scripts/generate-mixin.sh writes them (YAML with a header saying so, JSON as Grafana keeps
// dashboards), and its --check compares them with the committed ones.
local mixin = import 'mixin.libsonnet';

{
  'prometheus/rules/pipeline_alerts.yml': { format: 'yaml', value: mixin.prometheusAlerts },
  'prometheus/rules/pipeline_recording.yml': { format: 'yaml', value: mixin.prometheusRules },
  // The Prometheus Operator's form of the same groups, for deploy/kubernetes/.
  'deploy/kubernetes/base/prometheusrule.yaml': {
    format: 'yaml',
    value: {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'pipeline-exporter',
        labels: { 'app.kubernetes.io/name': 'pipeline-exporter', 'app.kubernetes.io/component': 'rules' },
      },
      spec: { groups: mixin.prometheusRules.groups + mixin.prometheusAlerts.groups },
    },
  },
} + {
  ['grafana/dashboards/' + name]: { format: 'json', value: mixin.grafanaDashboards[name] }
  for name in std.objectFields(mixin.grafanaDashboards)
}
