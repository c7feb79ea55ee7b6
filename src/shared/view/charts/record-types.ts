/**
 * The record types the dashboard's time charts are built from: connection states, fault windows
 * and threshold lines, peer events, reconnect attempts, link statistics and the PC lanes of
 * imported dumps. The dashboard fetches these first (at 200,000 records of a lab trace about one
 * in six), draws, then fetches the rest; a test builds every chart from an index of only these
 * types and from the whole trace and expects the same data.
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
