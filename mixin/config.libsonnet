// The mixin's settings. Override any of them where you import the mixin:
//
//   (import 'pipeline_exporter/mixin/mixin.libsonnet') + {
//     _config+:: { pipelineExporterSelector: 'job="pipeline-exporter", namespace="batch"' },
//   }
{
  _config+:: {
    // Selects pipeline_exporter's series in every alert, recording rule and the dashboards'
    // job variable. The shipped prometheus.yml and the Kubernetes ServiceMonitor both give
    // the exporter job="pipeline_exporter".
    pipelineExporterSelector: 'job="pipeline_exporter"',
    // The labels that tell one exporter apart from another (kept by every aggregation).
    // Add `namespace` or `cluster` when one Prometheus watches several.
    instanceLabels: ['job', 'instance'],

    // Thresholds. Durations in seconds where the alert compares a number of seconds.
    exporterDownFor: '2m',
    databaseDownFor: '2m',
    eventLagSeconds: 300,  // newest event of a running batch older than this
    eventLagFor: '5m',
    clockSkewSeconds: 5,
    // A stage that is processing and wrote no event for this long is stuck.
    stageStalledSeconds: 900,
    stageStalledFor: '1m',
    // Share of a stage's finished files that failed over 15 minutes.
    failureRatioThreshold: 0.05,
    failureRatioFor: '10m',
    batchPausedFor: '30m',
    // A batch's deadline, from its start, where its pipeline sets no `deadline:` of its own
    // (the exporter exports that one as pipeline_batch_deadline_seconds).
    batchDeadlineSeconds: 21600,
    batchWillMissDeadlineFor: '15m',
    stageSlowerThanTypicalFactor: 2,
    stageSlowerThanTypicalFor: '5m',
    workerFailureRatio: 0.1,  // a worker's own share of failed files …
    workerFailureFactor: 3,  // … and how many times the stage's other workers' share
    workerMinFailures: 5,
    workerFailureFor: '10m',
    workerSilentFor: '2m',

    // Where each alert's runbook_url points: the README's runbook section.
    runbookUrlBase: 'https://github.com/pipeline-exporter/pipeline_exporter/blob/main/README.md',

    // Dashboards.
    dashboardTags: ['pipeline_exporter'],
    dashboardTimezone: 'browser',
    dashboardRefresh: '10s',
    exporterPageUrl: 'http://localhost:5066',  // the $exporter_url variable's default
  },
}
