// The exporter's JSON API for one selected pipeline.

export async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

export class Api {
  constructor() {
    this.pipeline = null;
  }

  // GET `path` with the pipeline and `params` as the query.
  get(path, params = {}) {
    return getJson(`${path}?${new URLSearchParams({ pipeline: this.pipeline, ...params })}`);
  }
}
