/**
 * The answer to `trace:get-snapshot`, the same for every host that holds a trace (the lab
 * service, the renderer bench's server): the records held, only those of the types asked for
 * when the request names some (then with the whole trace's `lastT`), as records or in the
 * compact wire form.
 */
import { encodeCompact } from '../trace/compact';
import type { TraceHeader, TraceRecord } from '../trace/records';
import type { InvokeParsed, InvokeResponse } from './contract';

/** Builds the `trace:get-snapshot` response for `records` (in seq order) and a validated request. */
export function snapshotResponse(
  header: TraceHeader | null,
  records: readonly TraceRecord[],
  { form = 'records', types }: InvokeParsed<'trace:get-snapshot'> = {},
): InvokeResponse<'trace:get-snapshot'> {
  if (!types) {
    const all = records as TraceRecord[];
    return form === 'compact' ? { header, compact: encodeCompact(all) } : { header, records: all };
  }
  const wanted = new Set<string>(types);
  const chosen: TraceRecord[] = [];
  let lastT = 0;
  for (const r of records) {
    if (r.t > lastT) lastT = r.t;
    if (wanted.has(r.type)) chosen.push(r);
  }
  return form === 'compact'
    ? { header, compact: encodeCompact(chosen), lastT }
    : { header, records: chosen, lastT };
}
