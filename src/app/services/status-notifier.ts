/**
 * Coalesces `lab:status` events: any number of changes inside one window become one event,
 * and an event that would repeat the last one is not sent at all.
 */
import type { ServiceEvents } from './events';
import type { LabStatus } from './status';

/** Sends `lab:status` when the status changed, at most once per interval. */
export class StatusNotifier {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = '';

  constructor(
    private readonly events: ServiceEvents,
    private readonly compute: () => LabStatus,
    private readonly intervalMs = 100,
  ) {}

  /** Something may have changed: send the status after the window (once for many calls). */
  schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.emitIfChanged();
    }, this.intervalMs);
  }

  /** Computes the status now, sends it if it changed, and returns it. */
  emitIfChanged(): LabStatus {
    const status = this.compute();
    const text = JSON.stringify(status);
    if (text !== this.last) {
      this.last = text;
      this.events.emit('lab:status', status);
    }
    return status;
  }

  /** Drops a pending send. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
