/**
 * A virtual list of rows that all have one height: only the rows in view (and `overscan` more on
 * each side) are listed, found by arithmetic on the scroll position. Nothing is kept per row, so
 * a million-record trace costs what a hundred-record one does (a general virtualizer keeps a
 * measurement object for every row: 200,000 of them on each load of a big trace).
 */
import { computed, ref, watch, type ComputedRef, type Ref } from 'vue';

/** One listed row: its index and where it starts, px from the top of the list. */
export interface FixedRow {
  index: number;
  start: number;
}

/** Where {@link FixedRows.scrollToIndex} puts the row in the viewport. */
export type RowAlign = 'start' | 'center' | 'end';

/** What {@link useFixedRows} gives. */
export interface FixedRows {
  /** The rows to render, in order. */
  items: ComputedRef<FixedRow[]>;
  /** Height of the whole list, px. */
  total: ComputedRef<number>;
  /** Scrolls so that row `index` is at `align` of the viewport. */
  scrollToIndex: (index: number, align: RowAlign) => void;
}

/** Options of {@link useFixedRows}. */
export interface FixedRowsOptions {
  /** The scrolling element (the list is its content). */
  scroller: Ref<HTMLElement | null>;
  count: Ref<number>;
  rowHeight: number;
  /** Rows listed beyond each edge of the viewport. */
  overscan: number;
}

/** The first and last row index to list for a viewport (`last` < `first` when there are none). */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  count: number,
  rowHeight: number,
  overscan: number,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last };
}

/** The scroll position that puts row `index` at `align` of a viewport `viewportHeight` high. */
export function scrollTopFor(
  index: number,
  align: RowAlign,
  viewportHeight: number,
  rowHeight: number,
): number {
  const start = index * rowHeight;
  const top =
    align === 'start'
      ? start
      : align === 'end'
        ? start + rowHeight - viewportHeight
        : start + rowHeight / 2 - viewportHeight / 2;
  return Math.max(0, top);
}

/** See the file comment. */
export function useFixedRows(options: FixedRowsOptions): FixedRows {
  const { scroller, count, rowHeight, overscan } = options;
  const scrollTop = ref(0);
  const height = ref(0);

  watch(
    scroller,
    (el, _old, onCleanup) => {
      if (!el) return;
      const onScroll = (): void => {
        scrollTop.value = el.scrollTop;
      };
      const measure = (): void => {
        height.value = el.clientHeight;
        scrollTop.value = el.scrollTop;
      };
      measure();
      el.addEventListener('scroll', onScroll, { passive: true });
      const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
      observer?.observe(el);
      onCleanup(() => {
        el.removeEventListener('scroll', onScroll);
        observer?.disconnect();
      });
    },
    { immediate: true, flush: 'post' },
  );

  const items = computed<FixedRow[]>(() => {
    const { first, last } = visibleRange(scrollTop.value, height.value, count.value, rowHeight, overscan);
    const out: FixedRow[] = [];
    for (let index = first; index <= last; index++) out.push({ index, start: index * rowHeight });
    return out;
  });
  const total = computed(() => count.value * rowHeight);

  function scrollToIndex(index: number, align: RowAlign): void {
    const el = scroller.value;
    if (!el) return;
    el.scrollTop = scrollTopFor(index, align, el.clientHeight, rowHeight);
    // The scroll event comes a frame later; list the rows for the new position now.
    scrollTop.value = el.scrollTop;
  }

  return { items, total, scrollToIndex };
}
