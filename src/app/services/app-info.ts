/** Small pure helpers of the service: the `app:get-info` answer, and which records move the status. */
import type { InvokeResponse } from '../../shared/ipc';
import type { TraceRecord } from '../../shared';

/** The `app:get-info` answer for this process. */
export function appInfoResponse(
  app: { name: string; version: string },
  mode: 'electron' | 'browser',
): InvokeResponse<'app:get-info'> {
  return {
    name: app.name,
    version: app.version,
    versions: {
      node: process.versions.node,
      electron: process.versions['electron'] ?? null,
      chrome: process.versions['chrome'] ?? null,
      v8: process.versions.v8,
    },
    mode,
  };
}

/** Record types whose arrival can change the status (states, faults, server log lines). */
export function touchesStatus(records: readonly TraceRecord[]): boolean {
  return records.some(
    (r) => r.type === 'state' || r.type === 'fault' || (r.type === 'log' && /^(server|lab)\b/.test(r.msg)),
  );
}
