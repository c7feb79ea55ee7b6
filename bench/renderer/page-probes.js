/* global window, document, requestAnimationFrame */
/**
 * Installed in the page before its own scripts (playwright `addInitScript`), so it sees the
 * page from navigation on. Plain browser JavaScript rather than TypeScript: playwright sends
 * the text as it is, and a function transpiled by tsx would carry helper calls the page lacks.
 *
 * Collects into `window.__faultlineBench` (times are `performance.now()`: ms since navigation):
 * - `longTasks`: main-thread tasks over 50 ms ({start, duration});
 * - `frames`: animation-frame intervals ([at, delta]);
 * - `messages`: WebSocket frames received ([at, chars]); `largest`: the text of the largest
 *   one (the trace snapshot), kept until the bench has timed a plain JSON.parse of it;
 * - `firstChartAt`: the first frame at which uid 1's swimlane list has items and the
 *   connection-state canvas shows the CONNECTED colour;
 * - `logCounts`: the event log's count line each time it changed ([at, text]; the log appears
 *   once the whole snapshot, not only the chart records, is indexed).
 */
(() => {
  const CONNECTED = [0x2f, 0x9e, 0x5b];
  const probe = {
    longTasks: [],
    frames: [],
    messages: [],
    largest: null,
    firstChartAt: null,
    logCounts: [],
  };
  Object.defineProperty(window, '__faultlineBench', { value: probe });

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  function chartShowsData() {
    if (!document.querySelector('[data-testid="swimlane-uid-1"] li')) return false;
    const canvas = document.querySelector('[data-testid="chart-swimlanes"] canvas');
    if (!canvas || !canvas.width || !canvas.height) return false;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < pixels.length; i += 4) {
      if (
        Math.abs(pixels[i] - CONNECTED[0]) < 6 &&
        Math.abs(pixels[i + 1] - CONNECTED[1]) < 6 &&
        Math.abs(pixels[i + 2] - CONNECTED[2]) < 6 &&
        pixels[i + 3] > 200
      )
        return true;
    }
    return false;
  }

  let last = null;
  function frame(stamp) {
    if (last !== null) probe.frames.push([stamp, stamp - last]);
    last = stamp;
    if (probe.firstChartAt === null && chartShowsData()) probe.firstChartAt = performance.now();
    const count = document.querySelector('[data-testid="log-count"]')?.textContent ?? null;
    if (count !== (probe.logCounts.at(-1)?.[1] ?? null)) probe.logCounts.push([performance.now(), count]);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // The transport opens its socket with `new WebSocket(url)`; a listener added in the
  // constructor runs before the page's own `onmessage`.
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (event) => {
        const text = typeof event.data === 'string' ? event.data : '';
        probe.messages.push([performance.now(), text.length]);
        if (text.length > (probe.largest?.length ?? 0)) probe.largest = text;
      });
    }
  };
})();
