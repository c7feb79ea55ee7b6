import type { RecordInput } from './records';

/**
 * Where lab components send trace records. The recorder stamps `seq` and `t`; producers only
 * describe what happened. Producers never throw into a sink's caller.
 */
export type RecordSink = (record: RecordInput) => void;
