/**
 * The event log's virtual list: only the rows in view (and the overscan) are rendered, found by
 * arithmetic on the scroll position, for a trace of any size; "follow" keeps the newest row in
 * view, and selecting a record scrolls it to the middle.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import EventLog from '../../src/renderer/src/components/EventLog.vue';
import { scrollTopFor, visibleRange } from '../../src/renderer/src/components/use-fixed-rows';
import { useTraceStore, useUiStore } from '../../src/renderer/src/stores';
import type { TraceRecord } from '../../src/shared/trace/records';
import { header } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

describe('visibleRange and scrollTopFor', () => {
  it('list the rows in view plus the overscan, clamped to the list', () => {
    expect(visibleRange(0, 260, 1000, 26, 20)).toEqual({ first: 0, last: 30 });
    expect(visibleRange(26 * 500 + 13, 260, 1000, 26, 20)).toEqual({ first: 480, last: 531 });
    expect(visibleRange(26 * 995, 260, 1000, 26, 20)).toEqual({ first: 975, last: 999 });
    expect(visibleRange(0, 260, 0, 26, 20).last).toBeLessThan(0);
  });

  it('put a row at the start, the middle or the end of the viewport, never above the top', () => {
    expect(scrollTopFor(100, 'start', 260, 26)).toBe(2600);
    expect(scrollTopFor(100, 'end', 260, 26)).toBe(2600 + 26 - 260);
    expect(scrollTopFor(100, 'center', 260, 26)).toBe(2600 + 13 - 130);
    expect(scrollTopFor(2, 'end', 260, 26)).toBe(0);
  });
});

function marks(n: number): TraceRecord[] {
  return Array.from({ length: n }, (_, i) => ({ seq: i + 1, t: i, uid: null, type: 'mark', label: `m${i}` }));
}

/** Mounts the log in a viewport 260 px high (happy-dom lays nothing out). */
async function mountLog() {
  const w = mount(EventLog, { global: { plugins: [pinia] }, attachTo: document.body });
  const scroller = w.get('[data-testid="log-table"]').element as HTMLElement;
  Object.defineProperty(scroller, 'clientHeight', { configurable: true, value: 260 });
  scroller.dispatchEvent(new Event('scroll'));
  await flushPromises();
  return { w, scroller };
}

const shownSeqs = (w: ReturnType<typeof mount>) =>
  w.findAll('[data-testid="event-row"]').map((row) => Number(row.attributes('data-seq')));

describe('EventLog', () => {
  it('renders a window of a 200,000-record trace and follows its end', async () => {
    const { w, scroller } = await mountLog();
    useTraceStore().load(header(), marks(200_000));
    await flushPromises();
    expect(w.get('[data-testid="log-count"]').text()).toBe('200000 of 200000 records');
    expect(scroller.scrollTop).toBe(200_000 * 26 - 260);
    const seqs = shownSeqs(w);
    // The last ten rows in view and the overscan above them: nothing more.
    expect(seqs.at(-1)).toBe(200_000);
    expect(seqs.length).toBeLessThanOrEqual(10 + 2 * 20 + 2);
    expect(w.get('.log-space').attributes('style')).toContain(`height: ${200_000 * 26}px`);
    w.unmount();
  });

  it('lists the rows of where the user scrolls to, and scrolls a selected record to the middle', async () => {
    const { w, scroller } = await mountLog();
    useTraceStore().load(header(), marks(5000));
    await flushPromises();
    (w.get('[data-testid="log-follow"]').element as HTMLInputElement).click();
    await flushPromises();
    scroller.scrollTop = 26 * 1000;
    scroller.dispatchEvent(new Event('scroll'));
    await flushPromises();
    expect(shownSeqs(w)[0]).toBe(1000 - 20 + 1);
    expect(shownSeqs(w)).toContain(1010);
    useUiStore().select(3001, 3000);
    await flushPromises();
    expect(scroller.scrollTop).toBe(3000 * 26 + 13 - 130);
    expect(shownSeqs(w)).toContain(3001);
    expect(w.get('[data-seq="3001"]').classes()).toContain('selected');
    w.unmount();
  });
});
