/**
 * The record types the dashboard's time charts are built from: connection states, fault windows
 * and threshold lines, peer events, reconnect attempts, link statistics and the PC lanes of
 * imported dumps. The dashboard fetches a lab trace's chart records first, draws, then fetches the
 * rest; a test builds every chart from an index of only these types and from the whole trace and
 * expects the same data.
 */
import type { RecordType } from '../../trace/records';

/** See the file comment. */
export const CHART_RECORD_TYPES = [
  'state',
  'fault',
  'peer',
  'reconnect',
  'stats',
  'media',
] as const satisfies readonly RecordType[];

/**
 * What the charts of a lab's own trace are built from: the same without `media`, which only the
 * PC lanes of an imported dump read (a lab trace has none). About one in fifty records of a lab
 * trace instead of one in six; the dashboard's live snapshot asks for these first.
 */
export const LAB_CHART_RECORD_TYPES: readonly RecordType[] = CHART_RECORD_TYPES.filter(
  (type) => type !== 'media',
);
