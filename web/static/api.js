// The exporter's JSON API for one selected pipeline.

export async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

// The first of `pipelines` that holds event `id`, with the event: { pipeline, event }; null
// when none does (one request per pipeline tried, in order; any answer but 404 stops).
export async function findEvent(id, pipelines) {
  for (const pipeline of pipelines) {
    const r = await fetch(`/api/events/${id}?${new URLSearchParams({ pipeline })}`, {
      headers: { Accept: 'application/json' },
    });
    if (r.ok) return { pipeline, event: await r.json() };
    if (r.status !== 404) return null;
  }
  return null;
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
