// How figures read on the page. Pure functions.

export function fmtDuration(s) {
  if (s === null || s === undefined || !isFinite(s)) return '–';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export const fmtNum = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString());
export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');
