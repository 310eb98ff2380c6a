// grafanaDashboards: file name → dashboard, as Grafana's file provisioning reads them.
{
  grafanaDashboards+:: {
    'pipeline-overview.json': (import 'pipeline-overview.libsonnet')($._config),
    'pipeline-stage-detail.json': (import 'pipeline-stage-detail.libsonnet')($._config),
  },
}
