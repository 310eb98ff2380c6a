// Drawing in animation frames: whatever arrives until the next frame (a burst of events, a
// dozen stage updates) is drawn in one go, and frames that draw are at least `minGapMs`
// apart, so a flood costs at most a few layouts a second instead of one per event. The
// pending work itself is kept bounded by its owners (latest state per stage, a window of rows).

export class FrameQueue {
  // flush(): draws everything pending.
  constructor(flush, minGapMs = 100) {
    this.flush = flush;
    this.minGapMs = minGapMs;
    this.scheduled = false;
    this.last = 0;
  }

  request() {
    if (this.scheduled) return;
    this.scheduled = true;
    const frame = (now) => {
      if (now - this.last < this.minGapMs) {
        requestAnimationFrame(frame);
        return;
      }
      this.scheduled = false;
      this.last = now;
      this.flush();
    };
    requestAnimationFrame(frame);
  }
}
