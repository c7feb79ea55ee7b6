/**
 * Chart redraws, one task each. A trace change (a live batch published, the shared zoom range,
 * the theme) makes every chart redraw, and done in the same task as the store update they add
 * up: the first live batch into an empty dashboard took one 63-74 ms task in Chromium, the
 * four charts' first layout with data being most of it. Queued here, each chart redraws in a
 * task of its own, so the page stays able to paint and take input between them, and a chart
 * queued twice before its turn is drawn once.
 *
 * A chart's first draw (on mount) stays synchronous, and so does anything that reads pixels:
 * {@link drawQueuedNow} first.
 */

const queue = new Set<() => void>();
let posted = false;
let waiting: Array<() => void> = [];

function settle(): void {
  const done = waiting;
  waiting = [];
  for (const resolve of done) resolve();
}

function runOne(redraw: () => void): void {
  queue.delete(redraw);
  try {
    redraw();
  } catch (error) {
    console.error('chart redraw failed', error);
  }
}

function next(): void {
  posted = false;
  const first = queue.values().next();
  if (!first.done) runOne(first.value);
  if (queue.size > 0) post();
  else settle();
}

function post(): void {
  if (posted) return;
  posted = true;
  setTimeout(next, 0);
}

/** Queues `redraw` (once, however often it is queued before its turn). */
export function queueRedraw(redraw: () => void): void {
  queue.add(redraw);
  post();
}

/** Drops `redraw` from the queue (a chart being unmounted). */
export function cancelRedraw(redraw: () => void): void {
  queue.delete(redraw);
  if (queue.size === 0) settle();
}

/** Runs every queued redraw now (before a PNG is taken of the charts). */
export function drawQueuedNow(): void {
  for (const redraw of [...queue]) runOne(redraw);
  settle();
}

/** Resolves once no redraw is queued. */
export function chartsDrawn(): Promise<void> {
  if (queue.size === 0) return Promise.resolve();
  return new Promise((resolve) => waiting.push(resolve));
}
