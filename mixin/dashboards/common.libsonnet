// What both dashboards share: the variables that pick the data source, the exporters
// (job, instance) and the pipelines, the exporter page's address, and the link to it.
function(config) {
  local query(name, label, expr) = {
    name: name,
    label: label,
    type: 'query',
    datasource: { type: 'prometheus', uid: '${datasource}' },
    query: { query: expr, refId: name },
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: '.*',
    sort: 1,
    hide: 0,
  },

  variables: [
    {
      name: 'datasource',
      label: 'Data source',
      type: 'datasource',
      query: 'prometheus',
      hide: 0,
      refresh: 1,
    },
    query('job', 'Job', 'label_values(pipeline_exporter_build_info{%(pipelineExporterSelector)s}, job)' % config),
    query('instance', 'Instance', 'label_values(pipeline_exporter_build_info{job=~"$job"}, instance)'),
    query('pipeline', 'Pipeline', 'label_values(pipeline_exporter_db_up{job=~"$job", instance=~"$instance"}, pipeline)'),
    {
      name: 'exporter_url',
      label: 'Exporter page URL',
      type: 'textbox',
      query: config.exporterPageUrl,
      current: { text: config.exporterPageUrl, value: config.exporterPageUrl },
      hide: 0,
    },
  ],

  links: [
    {
      title: 'pipeline_exporter page',
      type: 'link',
      url: '${exporter_url}/',
      targetBlank: true,
      icon: 'external link',
      asDropdown: false,
      includeVars: false,
      keepTime: true,
      tags: [],
      tooltip: 'pipeline_exporter page',
    },
  ],
}
