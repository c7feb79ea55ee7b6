/**
 * What the desktop's Open dialog does once a file is chosen, without Electron (so tests drive
 * it with a real file): open it with progress and cancel, then send it as `trace:opened`.
 */
import type { ServiceEvents } from '../../app';
import { openSupport, type OpenControl } from '../../app';

/**
 * Opens `path` (bundle, trace or browser dump) with `control` and emits it as `trace:opened`.
 * A cancelled open rejects with ABORTED and emits nothing, even when the cancel comes as the
 * parse ends.
 */
export async function openChosenFile(
  events: ServiceEvents,
  path: string,
  control: OpenControl = {},
): Promise<void> {
  const opened = await openSupport(path, path, undefined, control);
  control.signal?.throwIfAborted();
  events.emit('trace:opened', opened);
}
