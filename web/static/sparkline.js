// A card's throughput over the last ten minutes, from the stream: files finished per
// 10-second bucket, drawn as an inline SVG line (built with DOM calls, no library).

const BUCKET_MS = 10_000;
const BUCKETS = 60;
const W = 120, H = 28;
const SVG = 'http://www.w3.org/2000/svg';

export class Sparkline {
  constructor() {
    this.counts = new Array(BUCKETS).fill(0);
    this.head = null;  // index of the newest bucket (time / BUCKET_MS)
    this.node = document.createElementNS(SVG, 'svg');
    this.node.setAttribute('class', 'spark');
    this.node.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.node.setAttribute('preserveAspectRatio', 'none');
    this.node.setAttribute('role', 'img');
    this.title = document.createElementNS(SVG, 'title');
    this.line = document.createElementNS(SVG, 'polyline');
    this.node.append(this.title, this.line);
  }

  reset() {
    this.counts.fill(0);
    this.head = null;
  }

  // `n` files finished at `now` (ms).
  add(n, now) {
    this.advance(now);
    this.counts[BUCKETS - 1] += n;
  }

  advance(now) {
    const b = Math.floor(now / BUCKET_MS);
    if (this.head === null) this.head = b;
    const shift = Math.min(BUCKETS, b - this.head);
    if (shift <= 0) return;
    this.counts.splice(0, shift);
    for (let i = 0; i < shift; ++i) this.counts.push(0);
    this.head = b;
  }

  draw(now) {
    this.advance(now);
    const max = Math.max(1, ...this.counts);
    const points = this.counts.map((c, i) =>
      `${(i * W / (BUCKETS - 1)).toFixed(1)},${(H - 1 - (c / max) * (H - 2)).toFixed(1)}`);
    this.line.setAttribute('points', points.join(' '));
    const last = this.counts[BUCKETS - 2] / (BUCKET_MS / 1000);
    const peak = max / (BUCKET_MS / 1000);
    this.title.textContent = `Files per second, last 10 minutes: now ${last.toFixed(1)}, peak ${this.counts.some((c) => c) ? peak.toFixed(1) : '0'}`;
    this.node.setAttribute('aria-label', this.title.textContent);
  }
}
