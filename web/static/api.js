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

  // POST `body` as JSON to `path` with the pipeline as the query; the raw Response.
  post(path, body) {
    return fetch(`${path}?${new URLSearchParams({ pipeline: this.pipeline })}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  }

  // GET `path` with the pipeline and `params` as the query.
  get(path, params = {}) {
    return getJson(`${path}?${new URLSearchParams({ pipeline: this.pipeline, ...params })}`);
  }
}
