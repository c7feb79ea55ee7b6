/**
 * View state shared by every panel: vocabulary (current 4.x or legacy 3.x names), theme
 * (persisted), the selected record and moment, and the time-axis range every chart shows.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { Vocabulary } from '../../../shared/model/vocabulary';

/** Colour scheme. */
export type Theme = 'dark' | 'light';

/** A visible range of trace time (ms since the trace started). */
export interface TimeRange {
  min: number;
  max: number;
}

const THEME_KEY = 'faultline.theme';
const VOCABULARY_KEY = 'faultline.vocabulary';

function stored<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const value = globalThis.localStorage?.getItem(key);
    return allowed.includes(value as T) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

function persist(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    /* storage may be unavailable (private mode); the choice lasts for this page */
  }
}

/** See the file comment. */
export const useUiStore = defineStore('ui', () => {
  const vocabulary = ref<Vocabulary>(stored(VOCABULARY_KEY, ['current', 'legacy'], 'current'));
  const theme = ref<Theme>(stored(THEME_KEY, ['dark', 'light'], 'dark'));
  /** The record picked in the event log or on a chart. */
  const selectedSeq = ref<number | null>(null);
  /** The moment marked on every chart (the selected record's time). */
  const selectedT = ref<number | null>(null);
  /** Records an incident rests on, marked in the event log (empty: none). */
  const evidence = shallowRef<ReadonlySet<number>>(new Set());
  /** The shared time axis; null shows the whole trace. */
  const timeRange = shallowRef<TimeRange | null>(null);

  function applyTheme(): void {
    if (typeof document !== 'undefined') document.documentElement.dataset['theme'] = theme.value;
  }

  /** Switches the names shown for states and peer events. */
  function setVocabulary(next: Vocabulary): void {
    vocabulary.value = next;
    persist(VOCABULARY_KEY, next);
  }

  /** Sets and persists the theme. */
  function setTheme(next: Theme): void {
    theme.value = next;
    persist(THEME_KEY, next);
    applyTheme();
  }

  /** Flips dark ↔ light. */
  function toggleTheme(): void {
    setTheme(theme.value === 'dark' ? 'light' : 'dark');
  }

  /** Selects a record (and its moment); null clears the selection. */
  function select(seq: number | null, t: number | null = null): void {
    selectedSeq.value = seq;
    selectedT.value = seq === null ? null : t;
  }

  /** The incident picked in the Diagnosis list (its band is drawn stronger); null for none. */
  const activeIncident = ref<string | null>(null);

  /**
   * Marks the records an incident rests on in the event log and its band on the charts (an empty
   * list and null clear both).
   */
  function markEvidence(seqs: readonly number[], incident: string | null = null): void {
    evidence.value = new Set(seqs);
    activeIncident.value = seqs.length > 0 || incident !== null ? incident : null;
  }

  /** Sets the time range every chart shows (null: the whole trace). */
  function setTimeRange(range: TimeRange | null): void {
    if (range && !(range.max > range.min)) return;
    const now = timeRange.value;
    if (now && range && now.min === range.min && now.max === range.max) return;
    timeRange.value = range ? { min: range.min, max: range.max } : null;
  }

  applyTheme();
  return {
    vocabulary,
    theme,
    selectedSeq,
    selectedT,
    timeRange,
    evidence,
    activeIncident,
    markEvidence,
    setVocabulary,
    setTheme,
    toggleTheme,
    select,
    setTimeRange,
  };
});
