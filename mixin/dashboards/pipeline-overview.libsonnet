// The overview dashboard: every pipeline's current batch, stage progress, throughput,
// failures, ETA, file durations, the exporter's own health and the workers.
function(config)
  local common = (import 'common.libsonnet')(config);
  {
    uid: 'pipeline-overview',
    title: 'Pipeline overview',
    description: 'Current batch, per-stage progress, throughput, failures, ETA and file durations of pipelines watched by pipeline_exporter.',
    tags: config.dashboardTags,
    timezone: config.dashboardTimezone,
    schemaVersion: 38,
    version: 1,
    editable: true,
    graphTooltip: 1,
    refresh: config.dashboardRefresh,
    time: {
      from: 'now-1h',
      to: 'now',
    },
    templating: {
      list: common.variables,
    },
    annotations: {
      list: [],
    },
    links: common.links,
    panels: [
      {
        id: 1,
        type: 'stat',
        title: 'Current batch',
        description: 'The current batch of each pipeline: its id, date and number (pipeline_batch_info).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 0,
          w: 8,
          h: 4,
        },
        fieldConfig: {
          defaults: {
            unit: 'short',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_batch_info{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline}}: batch {{batch_id}} {{batch_date}} #{{batch_number}}',
          },
        ],
        options: {
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'name',
        },
      },
      {
        id: 2,
        type: 'stat',
        title: 'Batch status',
        description: 'Status of the current batch: running, paused, canceled, complete or failed (pausing and canceling while a request waits for the pipeline).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 8,
          y: 0,
          w: 4,
          h: 4,
        },
        fieldConfig: {
          defaults: {
            unit: 'short',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_batch_status{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"} == 1',
            legendFormat: '{{pipeline}}: {{status}}',
          },
        ],
        options: {
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'name',
        },
      },
      {
        id: 3,
        type: 'stat',
        title: 'Files in batch',
        description: 'Total files of the current batch.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 0,
          w: 4,
          h: 4,
        },
        fieldConfig: {
          defaults: {
            unit: 'short',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_batch_files{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline}}',
          },
        ],
        options: {
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'auto',
        },
      },
      {
        id: 4,
        type: 'stat',
        title: 'Batch elapsed',
        description: 'Time since the current batch started.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 16,
          y: 0,
          w: 4,
          h: 4,
        },
        fieldConfig: {
          defaults: {
            unit: 's',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'time() - pipeline_batch_start_timestamp_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline}}',
          },
        ],
        options: {
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'auto',
        },
      },
      {
        id: 5,
        type: 'stat',
        title: 'Failed files (batch)',
        description: 'Files that failed so far in the current batch, all stages.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 20,
          y: 0,
          w: 4,
          h: 4,
        },
        fieldConfig: {
          defaults: {
            unit: 'short',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline) (pipeline_stage_files_failed{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"})',
            legendFormat: '{{pipeline}}',
          },
        ],
        options: {
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'auto',
        },
      },
      {
        id: 6,
        type: 'bargauge',
        title: 'Stage progress',
        description: '(processed + failed) / total per stage of the current batch; 100 % when complete.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 4,
          w: 12,
          h: 10,
        },
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}&stage=${__field.labels.pipeline_stage}',
                targetBlank: true,
              },
            ],
            min: 0,
            max: 1,
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_stage_progress_ratio{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline_stage}}',
          },
        ],
        options: {
          orientation: 'horizontal',
          displayMode: 'gradient',
          showUnfilled: true,
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
        },
      },
      {
        id: 7,
        type: 'state-timeline',
        title: 'Stage status',
        description: 'Status of every stage over time: pending, processing, complete, failed (recording rule pipeline_stage:status_code).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 4,
          w: 12,
          h: 10,
        },
        fieldConfig: {
          defaults: {
            unit: 'short',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}&stage=${__field.labels.pipeline_stage}',
                targetBlank: true,
              },
            ],
            mappings: [
              {
                type: 'value',
                options: {
                  '0': {
                    text: 'pending',
                    color: 'text',
                    index: 0,
                  },
                  '1': {
                    text: 'processing',
                    color: 'blue',
                    index: 1,
                  },
                  '2': {
                    text: 'complete',
                    color: 'green',
                    index: 2,
                  },
                  '3': {
                    text: 'failed',
                    color: 'red',
                    index: 3,
                  },
                },
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_stage:status_code{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline_stage}}',
          },
        ],
        options: {
          showValue: 'never',
          mergeValues: true,
          rowHeight: 0.9,
        },
      },
      {
        id: 8,
        type: 'timeseries',
        title: 'Throughput per stage',
        description: 'Files completed per second in each stage.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 14,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'suffix: files/s',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}&stage=${__field.labels.pipeline_stage}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline, pipeline_stage) (rate(pipeline_files_completed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval]))',
            legendFormat: '{{pipeline_stage}}',
          },
        ],
      },
      {
        id: 9,
        type: 'timeseries',
        title: 'Failures per stage',
        description: 'Files failing per second in each stage.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 14,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'suffix: files/s',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}&stage=${__field.labels.pipeline_stage}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline, pipeline_stage) (rate(pipeline_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval]))',
            legendFormat: '{{pipeline_stage}}',
          },
        ],
      },
      {
        id: 10,
        type: 'timeseries',
        title: 'Failure ratio per stage',
        description: 'Share of the files finished by each stage that failed.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 22,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}&stage=${__field.labels.pipeline_stage}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline, pipeline_stage) (rate(pipeline_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])) / (sum by (pipeline, pipeline_stage) (rate(pipeline_files_completed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])) + sum by (pipeline, pipeline_stage) (rate(pipeline_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])))',
            legendFormat: '{{pipeline_stage}}',
          },
        ],
      },
      {
        id: 11,
        type: 'bargauge',
        title: 'ETA per stage',
        description: 'Estimated time until each stage completes, from its throughput over the last 5 minutes (empty when unknown).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 22,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 's',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}&stage=${__field.labels.pipeline_stage}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_stage_eta_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline_stage}}',
          },
        ],
        options: {
          orientation: 'horizontal',
          displayMode: 'basic',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
        },
      },
      {
        id: 12,
        type: 'timeseries',
        title: 'File duration percentiles',
        description: 'p50, p95 and p99 of the time one file takes, over all stages.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 30,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 's',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'histogram_quantile(0.5, sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])))',
            legendFormat: 'p50',
            exemplar: true,
          },
          {
            refId: 'B',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'histogram_quantile(0.95, sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])))',
            legendFormat: 'p95',
          },
          {
            refId: 'C',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'histogram_quantile(0.99, sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])))',
            legendFormat: 'p99',
          },
        ],
      },
      {
        id: 13,
        type: 'heatmap',
        title: 'File duration heatmap',
        description: 'Distribution of per-file processing time, from the pipeline_file_duration_seconds histogram.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 30,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 's',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval]))',
            legendFormat: '{{le}}',
            format: 'heatmap',
            exemplar: true,
          },
        ],
        options: {
          calculate: false,
          yAxis: {
            unit: 's',
          },
          cellGap: 1,
          color: {
            mode: 'scheme',
            scheme: 'Oranges',
          },
        },
      },
      {
        id: 14,
        type: 'stat',
        title: 'Database up',
        description: "1 when the exporter's last poll of the pipeline's database succeeded.",
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 38,
          w: 6,
          h: 6,
        },
        fieldConfig: {
          defaults: {
            unit: 'bool_yes_no',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_exporter_db_up{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline}}',
          },
        ],
        options: {
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'auto',
        },
      },
      {
        id: 15,
        type: 'timeseries',
        title: 'Event lag',
        description: 'Database time minus the timestamp of the newest event read.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 6,
          y: 38,
          w: 6,
          h: 6,
        },
        fieldConfig: {
          defaults: {
            unit: 's',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_exporter_event_lag_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}',
            legendFormat: '{{pipeline}}',
          },
        ],
      },
      {
        id: 16,
        type: 'timeseries',
        title: 'Poll duration p99',
        description: '99th percentile of the time one poll of the event log takes.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 38,
          w: 6,
          h: 6,
        },
        fieldConfig: {
          defaults: {
            unit: 's',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'histogram_quantile(0.99, sum by (pipeline, le) (rate(pipeline_exporter_poll_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])))',
            legendFormat: '{{pipeline}}',
          },
        ],
      },
      {
        id: 17,
        type: 'timeseries',
        title: 'Invalid rows',
        description: 'Rows rejected for the metrics per second, by reason.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 18,
          y: 38,
          w: 6,
          h: 6,
        },
        fieldConfig: {
          defaults: {
            unit: 'suffix: rows/s',
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline, reason) (rate(pipeline_exporter_invalid_events_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval]))',
            legendFormat: '{{reason}}',
          },
        ],
      },
      {
        id: 18,
        type: 'row',
        title: 'Workers',
        collapsed: false,
        gridPos: {
          x: 0,
          y: 44,
          w: 24,
          h: 1,
        },
        panels: [],
      },
      {
        id: 19,
        type: 'timeseries',
        title: 'Failure ratio per worker',
        description: 'Share of the files each worker (gpuIp) finished that failed, over all stages: one worker far above the others is a bad GPU, not a bad batch.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 45,
          w: 8,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline, worker) (rate(pipeline_worker_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])) / (sum by (pipeline, worker) (rate(pipeline_worker_files_completed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])) + sum by (pipeline, worker) (rate(pipeline_worker_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])))',
            legendFormat: '{{worker}}',
          },
        ],
      },
      {
        id: 20,
        type: 'timeseries',
        title: 'Throughput per worker',
        description: 'Files each worker (gpuIp) finished per second, completed and failed, over all stages. A line that drops to zero while the others go on is a worker gone silent.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 8,
          y: 45,
          w: 8,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'suffix: files/s',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline, worker) (rate(pipeline_worker_files_completed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval])) + sum by (pipeline, worker) (rate(pipeline_worker_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}[$__rate_interval]))',
            legendFormat: '{{worker}}',
          },
        ],
      },
      {
        id: 21,
        type: 'bargauge',
        title: 'Top 10 workers by failures',
        description: 'The ten workers with the most failed files since the exporter started (all stages); at most max_workers per pipeline, the rest counted as "other".',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 16,
          y: 45,
          w: 8,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'short',
            links: [
              {
                title: 'Open in pipeline_exporter',
                url: '${exporter_url}/?pipeline=${__field.labels.pipeline}',
                targetBlank: true,
              },
            ],
          },
          overrides: [],
        },
        targets: [
          {
            refId: 'A',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'topk(10, sum by (pipeline, worker) (pipeline_worker_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}))',
            legendFormat: '{{worker}}',
          },
        ],
        options: {
          orientation: 'horizontal',
          displayMode: 'basic',
          reduceOptions: {
            calcs: [
              'lastNotNull',
            ],
            fields: '',
            values: false,
          },
        },
      },
    ],
  }
