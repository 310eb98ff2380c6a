// The stage detail dashboard: one stage of one pipeline, its sub-stages, event types and
// workers; the overview's stage panels link here.
function(config)
  local common = (import 'common.libsonnet')(config);
  {
    uid: 'pipeline-stage-detail',
    title: 'Pipeline stage detail',
    description: 'One stage of a pipeline, chosen with the stage variable, and its history across batches.',
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
      list: common.variables + [
        {
          name: 'stage',
          label: 'Stage',
          type: 'query',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: {
            query: 'label_values(pipeline_stage_status{job=~"$job", instance=~"$instance", pipeline=~"$pipeline"}, pipeline_stage)',
            refId: 'stage',
          },
          refresh: 2,
          multi: false,
          includeAll: false,
          allValue: '.*',
          sort: 1,
          hide: 0,
        },
      ],
    },
    annotations: {
      list: [],
    },
    links: common.links,
    panels: [
      {
        id: 1,
        type: 'stat',
        title: 'Status',
        description: 'Status of the stage in the current batch.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 0,
          w: 6,
          h: 4,
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
            expr: 'pipeline_stage:status_code{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
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
        id: 2,
        type: 'gauge',
        title: 'Progress',
        description: '(processed + failed) / total of the stage in the current batch.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 6,
          y: 0,
          w: 6,
          h: 4,
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
            expr: 'pipeline_stage_progress_ratio{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: '{{pipeline}}',
          },
        ],
      },
      {
        id: 3,
        type: 'stat',
        title: 'ETA',
        description: 'Estimated time until the stage completes.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 0,
          w: 6,
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
            expr: 'pipeline_stage_eta_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
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
        title: 'Typical duration',
        description: 'Median duration of the stage over recent earlier batches.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 18,
          y: 0,
          w: 6,
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
            expr: 'pipeline_stage_typical_duration_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
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
        type: 'timeseries',
        title: 'Files: total, processed, failed',
        description: "The stage's file counts in the current batch, over time (each batch starts again from zero).",
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 4,
          w: 12,
          h: 8,
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
            expr: 'pipeline_stage_files{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: 'total',
          },
          {
            refId: 'B',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_stage_files_processed{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: 'processed',
          },
          {
            refId: 'C',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_stage_files_failed{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: 'failed',
          },
        ],
      },
      {
        id: 6,
        type: 'timeseries',
        title: 'Duration across batches',
        description: 'How long the stage ran in each batch (the saw-tooth resets at each new batch) against its typical duration.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 4,
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
            expr: 'pipeline_stage_duration_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: 'duration',
          },
          {
            refId: 'B',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'pipeline_stage_typical_duration_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: 'typical',
          },
        ],
      },
      {
        id: 7,
        type: 'timeseries',
        title: 'Throughput',
        description: 'Files completed and failed per second.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 12,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'suffix: files/s',
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
            expr: 'sum by (pipeline) (rate(pipeline_files_completed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval]))',
            legendFormat: 'completed',
          },
          {
            refId: 'B',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'sum by (pipeline) (rate(pipeline_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval]))',
            legendFormat: 'failed',
          },
        ],
      },
      {
        id: 8,
        type: 'timeseries',
        title: 'File duration percentiles',
        description: 'p50, p95 and p99 of the time one file takes in the stage.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 12,
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
            expr: 'histogram_quantile(0.5, sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval])))',
            legendFormat: 'p50',
            exemplar: true,
          },
          {
            refId: 'B',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'histogram_quantile(0.95, sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval])))',
            legendFormat: 'p95',
          },
          {
            refId: 'C',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            expr: 'histogram_quantile(0.99, sum by (le) (rate(pipeline_file_duration_seconds_bucket{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval])))',
            legendFormat: 'p99',
          },
        ],
      },
      {
        id: 9,
        type: 'timeseries',
        title: 'Events by type',
        description: 'Events the stage wrote per second, by event type.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 20,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'suffix: events/s',
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
            expr: 'sum by (event_type) (rate(pipeline_events_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval]))',
            legendFormat: '{{event_type}}',
          },
        ],
      },
      {
        id: 10,
        type: 'timeseries',
        title: 'ETA over time',
        description: "The stage's estimated time to completion over time.",
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 20,
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
            expr: 'pipeline_stage_eta_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: '{{pipeline}}',
          },
        ],
      },
      {
        id: 11,
        type: 'bargauge',
        title: 'Sub-stage durations',
        description: 'How long each sub-stage of the stage took in the current batch (its latest run; to now while it runs): where inside the phase the time goes.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 0,
          y: 28,
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
            expr: 'pipeline_substage_duration_seconds{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}',
            legendFormat: '{{substage}}',
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
        title: 'Failure ratio per worker',
        description: 'Share of the files each worker (gpuIp) finished in this stage that failed.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          x: 12,
          y: 28,
          w: 12,
          h: 8,
        },
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
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
            expr: 'sum by (pipeline, worker) (rate(pipeline_worker_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval])) / (sum by (pipeline, worker) (rate(pipeline_worker_files_completed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval])) + sum by (pipeline, worker) (rate(pipeline_worker_files_failed_total{job=~"$job", instance=~"$instance", pipeline=~"$pipeline", pipeline_stage="$stage"}[$__rate_interval])))',
            legendFormat: '{{worker}}',
          },
        ],
      },
    ],
  }
