// pipeline_exporter's monitoring mixin: its Prometheus alerts and recording rules and its
// Grafana dashboards, from one source. `_config` (config.libsonnet) holds the selector, the
// instance labels and every threshold. scripts/generate-mixin.sh writes prometheus/rules/,
// grafana/dashboards/ and the Kubernetes PrometheusRule from it; a test fails when the
// committed files differ from what it generates.
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'rules/rules.libsonnet') +
(import 'dashboards/dashboards.libsonnet')
