// prometheusRules: the recording rules behind the expensive dashboard queries and some alerts.
{
  local c = $._config,
  local by = std.join(', ', c.instanceLabels),
  local v = c { by: by },

  prometheusRules+:: {
    groups+: [
      {
        name: 'pipeline_exporter.recording',
        rules: [
          // Files finished per second, per stage.
          {
            record: 'pipeline_stage:files_completed:rate5m',
            expr: 'sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_completed_total{%(pipelineExporterSelector)s}[5m]))' % v,
          },
          {
            record: 'pipeline_stage:files_failed:rate5m',
            expr: 'sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_failed_total{%(pipelineExporterSelector)s}[5m]))' % v,
          },
          // Share of finished files that failed over 15 minutes (NaN while nothing finished).
          {
            record: 'pipeline_stage:failure_ratio:rate15m',
            expr: |||
              sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_failed_total{%(pipelineExporterSelector)s}[15m]))
              /
              (
                sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_completed_total{%(pipelineExporterSelector)s}[15m]))
                +
                sum by (%(by)s, pipeline, pipeline_stage) (rate(pipeline_files_failed_total{%(pipelineExporterSelector)s}[15m]))
              )
            ||| % v,
          },
          // File duration percentiles per stage.
          {
            record: 'pipeline_stage:file_duration_seconds:p50_5m',
            expr: 'histogram_quantile(0.5, sum by (%(by)s, pipeline, pipeline_stage, le) (rate(pipeline_file_duration_seconds_bucket{%(pipelineExporterSelector)s}[5m])))' % v,
          },
          {
            record: 'pipeline_stage:file_duration_seconds:p95_5m',
            expr: 'histogram_quantile(0.95, sum by (%(by)s, pipeline, pipeline_stage, le) (rate(pipeline_file_duration_seconds_bucket{%(pipelineExporterSelector)s}[5m])))' % v,
          },
          // Stage status as one number for state timelines: 0 pending, 1 processing,
          // 2 complete, 3 failed.
          {
            record: 'pipeline_stage:status_code',
            expr: |||
              sum without (status) (pipeline_stage_status{%(pipelineExporterSelector)s, status="processing"})
              + 2 * sum without (status) (pipeline_stage_status{%(pipelineExporterSelector)s, status="complete"})
              + 3 * sum without (status) (pipeline_stage_status{%(pipelineExporterSelector)s, status="failed"})
            ||| % v,
          },
          // When the current batch must be done: its start plus the pipeline's `deadline`
          // (pipeline_batch_deadline_seconds), or plus _config.batchDeadlineSeconds where the
          // pipeline sets none.
          {
            record: 'pipeline:batch_deadline_timestamp_seconds',
            expr: |||
              pipeline_batch_start_timestamp_seconds{%(pipelineExporterSelector)s} + pipeline_batch_deadline_seconds{%(pipelineExporterSelector)s}
              or
              pipeline_batch_start_timestamp_seconds{%(pipelineExporterSelector)s} + %(batchDeadlineSeconds)d
            ||| % v,
          },
          // When the current batch is expected to be done: now plus the largest stage ETA.
          {
            record: 'pipeline:batch_expected_end_timestamp_seconds',
            expr: 'time() + max by (%(by)s, pipeline) (pipeline_stage_eta_seconds{%(pipelineExporterSelector)s})' % v,
          },
        ],
      },
    ],
  },
}
