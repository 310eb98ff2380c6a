// prometheusAlerts: what pages someone. Every alert links its runbook (a section of the
// README, by the alert's name) and the exporter's page at the pipeline's current batch.
{
  local c = $._config,
  local v = c { by: std.join(', ', c.instanceLabels) },
  // 300 → "5m", 21600 → "6h": thresholds as the descriptions say them.
  local human(seconds) =
    if seconds % 3600 == 0 then '%dh' % (seconds / 3600)
    else if seconds % 60 == 0 then '%dm' % (seconds / 60)
    else '%ds' % seconds,
  local percent(ratio) = '%g%%' % (ratio * 100),
  // '2m' → "2 minutes", '1h' → "1 hour": a `for:` duration in a sentence.
  local spoken(duration) =
    local n = std.parseInt(std.substr(duration, 0, std.length(duration) - 1));
    local unit = { s: 'second', m: 'minute', h: 'hour' }[std.substr(duration, std.length(duration) - 1, 1)];
    '%d %s%s' % [n, unit, if n == 1 then '' else 's'],
  // 2 → "twice", 3 → "three times".
  local times(factor) =
    local words = { '2': 'twice', '3': 'three times', '4': 'four times', '5': 'five times' };
    local key = '%g' % factor;
    if std.objectHas(words, key) then words[key] else '%s times' % key,
  // The exporter's page at the pipeline's current batch (pipeline_batch_info names it):
  // /?pipeline=P#batch=ID, or /?pipeline=P while there is none.
  local batchPage = 'http://{{ $labels.instance }}/?pipeline={{ $labels.pipeline | urlquery }}{{ with printf "pipeline_batch_info{instance=%q,pipeline=%q}" $labels.instance $labels.pipeline | query }}#batch={{ . | first | label "batch_id" }}{{ end }}',
  local alert(rule) = rule {
    annotations+: {
      runbook_url: '%s#%s' % [c.runbookUrlBase, std.asciiLower(rule.alert)],
      exporter_page: if rule.alert == 'PipelineExporterDown' then 'http://{{ $labels.instance }}/' else batchPage,
    },
  },

  prometheusAlerts+:: {
    groups+: [
      {
        name: 'pipeline_exporter.alerts',
        rules: std.map(alert, [
          {
            alert: 'PipelineExporterDown',
            expr: 'up{%(pipelineExporterSelector)s} == 0' % v,
            'for': c.exporterDownFor,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'pipeline_exporter {{ $labels.instance }} is down',
              description: 'Prometheus has not been able to scrape {{ $labels.instance }} for %s: no pipeline metrics are being collected.' % spoken(c.exporterDownFor),
            },
          },
          {
            alert: 'PipelineDatabaseDown',
            expr: 'pipeline_exporter_db_up{%(pipelineExporterSelector)s} == 0' % v,
            'for': c.databaseDownFor,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Event log database of pipeline {{ $labels.pipeline }} is unreachable',
              description: 'pipeline_exporter on {{ $labels.instance }} has failed to poll the event table of {{ $labels.pipeline }} for %s; the metrics are frozen at their last values.' % spoken(c.databaseDownFor),
            },
          },
          {
            // Only while a batch runs: an idle pipeline writes nothing and its lag grows.
            alert: 'PipelineEventLagHigh',
            expr: |||
              pipeline_exporter_event_lag_seconds{%(pipelineExporterSelector)s} > %(eventLagSeconds)g
              and on (%(by)s, pipeline) pipeline_batch_status{%(pipelineExporterSelector)s, status="running"} == 1
            ||| % v,
            'for': c.eventLagFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'No new events from running pipeline {{ $labels.pipeline }} for {{ $value | humanizeDuration }}',
              description: 'The newest event of the running batch of {{ $labels.pipeline }} is {{ $value | humanizeDuration }} old (threshold %s).' % human(c.eventLagSeconds),
            },
          },
          {
            // Writers stamp events ahead of the database's clock: typically a MySQL session
            // whose time_zone is not UTC writing DATETIME. Durations, lag and ETAs are wrong.
            alert: 'PipelineEventClockSkew',
            expr: 'pipeline_exporter_clock_skew_seconds{%(pipelineExporterSelector)s} > %(clockSkewSeconds)g' % v,
            'for': '5m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Events of pipeline {{ $labels.pipeline }} are stamped {{ $value | humanizeDuration }} in the future',
              description: "The newest event of {{ $labels.pipeline }} is {{ $value | humanizeDuration }} ahead of the database's clock (threshold %s): check that the writers' sessions are in UTC (README: MySQL time zones)." % human(c.clockSkewSeconds),
            },
          },
          {
            // A stage stuck in processing: no event of it (not even a file of it) for
            // stageStalledSeconds, counted from its last event or from its stage_start.
            alert: 'PipelineStageStalled',
            expr: |||
              (time() - pipeline_stage_last_event_timestamp_seconds{%(pipelineExporterSelector)s}) > %(stageStalledSeconds)g
              and on (%(by)s, pipeline, pipeline_stage) pipeline_stage_status{%(pipelineExporterSelector)s, status="processing"} == 1
            ||| % v,
            'for': c.stageStalledFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Stage {{ $labels.pipeline_stage }} of {{ $labels.pipeline }} is stalled',
              description: 'Stage {{ $labels.pipeline_stage }} is processing but has written no event for {{ $value | humanizeDuration }} (threshold %s).' % human(c.stageStalledSeconds),
            },
          },
          {
            alert: 'PipelineStageFailureRatioHigh',
            expr: 'pipeline_stage:failure_ratio:rate15m{%(pipelineExporterSelector)s} > %(failureRatioThreshold)g' % v,
            'for': c.failureRatioFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: '{{ $value | humanizePercentage }} of files fail in stage {{ $labels.pipeline_stage }} of {{ $labels.pipeline }}',
              description: 'Over the last 15 minutes {{ $value | humanizePercentage }} of the files finished by {{ $labels.pipeline_stage }} failed (threshold %s).' % percent(c.failureRatioThreshold),
            },
          },
          {
            alert: 'PipelineStageFailed',
            expr: 'pipeline_stage_status{%(pipelineExporterSelector)s, status="failed"} == 1' % v,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Stage {{ $labels.pipeline_stage }} of {{ $labels.pipeline }} failed',
              description: 'Stage {{ $labels.pipeline_stage }} of the current batch of {{ $labels.pipeline }} ended with stage_failed (or its batch failed while it ran).',
            },
          },
          {
            alert: 'PipelineBatchFailed',
            expr: 'pipeline_batch_status{%(pipelineExporterSelector)s, status="failed"} == 1' % v,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'The current batch of {{ $labels.pipeline }} failed',
              description: 'The current batch of {{ $labels.pipeline }} ended with batch_failed.',
            },
          },
          {
            // A pause asked from the page (batch control) that nobody resumed or canceled.
            alert: 'PipelineBatchPausedTooLong',
            expr: 'pipeline_batch_status{%(pipelineExporterSelector)s, status="paused"} == 1' % v,
            'for': c.batchPausedFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'The current batch of {{ $labels.pipeline }} has been paused for %s' % spoken(c.batchPausedFor),
              description: 'The batch was paused (batch control) and is neither resumed nor canceled; resume or cancel it from the page.',
            },
          },
          {
            // Running for longer than its deadline: the pipeline's `deadline:` (exported as
            // pipeline_batch_deadline_seconds), else batchDeadlineSeconds, from its start.
            alert: 'PipelineBatchOverDeadline',
            expr: |||
              (time() - pipeline_batch_start_timestamp_seconds{%(pipelineExporterSelector)s})
              > (
                pipeline_batch_deadline_seconds{%(pipelineExporterSelector)s}
                or
                0 * pipeline_batch_start_timestamp_seconds{%(pipelineExporterSelector)s} + %(batchDeadlineSeconds)d
              )
              and on (%(by)s, pipeline) pipeline_batch_status{%(pipelineExporterSelector)s, status="running"} == 1
            ||| % v,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'The current batch of {{ $labels.pipeline }} has run past its deadline',
              description: "The batch has been running for {{ $value | humanizeDuration }}, longer than its deadline (the pipeline's deadline:, else %s)." % human(c.batchDeadlineSeconds),
            },
          },
          {
            // The expected end is computed here, not read from its recording rule, so that
            // the value is of this evaluation (rule groups are evaluated independently).
            alert: 'PipelineBatchWillMissDeadline',
            expr: |||
              (time() + max by (%(by)s, pipeline) (pipeline_stage_eta_seconds{%(pipelineExporterSelector)s}))
              > on (%(by)s, pipeline) pipeline:batch_deadline_timestamp_seconds
              and on (%(by)s, pipeline) pipeline_batch_status{%(pipelineExporterSelector)s, status="running"} == 1
            ||| % v,
            'for': c.batchWillMissDeadlineFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'The current batch of {{ $labels.pipeline }} will miss its deadline',
              description: 'At the current throughput the batch ends at {{ $value | humanizeTimestamp }}, after its deadline.',
            },
          },
          {
            alert: 'PipelineStageSlowerThanTypical',
            expr: |||
              pipeline_stage_duration_seconds{%(pipelineExporterSelector)s} > %(stageSlowerThanTypicalFactor)g * pipeline_stage_typical_duration_seconds{%(pipelineExporterSelector)s}
              and on (%(by)s, pipeline, pipeline_stage) pipeline_stage_status{%(pipelineExporterSelector)s, status="processing"} == 1
            ||| % v,
            'for': c.stageSlowerThanTypicalFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Stage {{ $labels.pipeline_stage }} of {{ $labels.pipeline }} is much slower than usual',
              description: 'Stage {{ $labels.pipeline_stage }} has run for {{ $value | humanizeDuration }}, more than %s its typical duration over recent batches.' % times(c.stageSlowerThanTypicalFactor),
            },
          },
          {
            // One worker (gpuIp) failing far more of a stage's files than the stage's other
            // workers, over 15 minutes: a bad GPU, not a bad batch.
            alert: 'PipelineWorkerFailureRatioHigh',
            expr: |||
              (
                sum by (%(by)s, pipeline, pipeline_stage, worker) (rate(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[15m]))
                /
                sum by (%(by)s, pipeline, pipeline_stage, worker) (rate(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[15m]) + rate(pipeline_worker_files_completed_total{%(pipelineExporterSelector)s}[15m]))
                > %(workerFailureRatio)g
              )
              > %(workerFailureFactor)g * (
                (
                  sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_failed_total{%(pipelineExporterSelector)s}[15m]))
                  - on (%(by)s, pipeline, pipeline_stage) group_right ()
                  sum by (%(by)s, pipeline, pipeline_stage, worker) (rate(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[15m]))
                )
                /
                (
                  sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_failed_total{%(pipelineExporterSelector)s}[15m]) + rate(pipeline_files_completed_total{%(pipelineExporterSelector)s}[15m]))
                  - on (%(by)s, pipeline, pipeline_stage) group_right ()
                  sum by (%(by)s, pipeline, pipeline_stage, worker) (rate(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[15m]) + rate(pipeline_worker_files_completed_total{%(pipelineExporterSelector)s}[15m]))
                )
              )
              and on (%(by)s, pipeline, pipeline_stage, worker)
              sum by (%(by)s, pipeline, pipeline_stage, worker) (increase(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[15m])) >= %(workerMinFailures)d
            ||| % v,
            'for': c.workerFailureFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Worker {{ $labels.worker }} fails far more files of {{ $labels.pipeline_stage }} than the others',
              description: "{{ $value | humanizePercentage }} of the files worker {{ $labels.worker }} finished in stage {{ $labels.pipeline_stage }} of {{ $labels.pipeline }} over 15 minutes failed, over %s the ratio of the stage's other workers." % times(c.workerFailureFactor),
            },
          },
          {
            // A worker that finished files of a stage in the last 30 minutes and none in the
            // last 5, while the stage is still processing: stuck or gone.
            alert: 'PipelineWorkerSilent',
            expr: |||
              sum by (%(by)s, pipeline, pipeline_stage, worker) (increase(pipeline_worker_files_completed_total{%(pipelineExporterSelector)s}[30m]) + increase(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[30m])) > 0
              and on (%(by)s, pipeline, pipeline_stage, worker)
              sum by (%(by)s, pipeline, pipeline_stage, worker) (increase(pipeline_worker_files_completed_total{%(pipelineExporterSelector)s}[5m]) + increase(pipeline_worker_files_failed_total{%(pipelineExporterSelector)s}[5m])) == 0
              and on (%(by)s, pipeline, pipeline_stage)
              pipeline_stage_status{%(pipelineExporterSelector)s, status="processing"} == 1
            ||| % v,
            'for': c.workerSilentFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Worker {{ $labels.worker }} has gone silent in {{ $labels.pipeline_stage }}',
              description: 'Worker {{ $labels.worker }} finished no file of stage {{ $labels.pipeline_stage }} of {{ $labels.pipeline }} for 5 minutes while the stage is processing; it worked on it earlier.',
            },
          },
        ]),
      },
    ],
  },
}
