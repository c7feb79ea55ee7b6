/**
 * Crash recovery: the journals of sessions that ended unexpectedly, asked for once when the
 * dashboard connects, each of which can be opened (it arrives as `trace:opened`) or discarded.
 */
import { ref, type Ref } from 'vue';
import type { InvokeResponse } from '../../../shared/ipc';
import { requireConnection, type ConnectionSlot } from './trace-connection';

/** What {@link useTraceRecovery} gives the trace store. */
export interface TraceRecovery {
  /** Journals of sessions that ended unexpectedly, newest first. */
  recoverable: Ref<InvokeResponse<'recovery:list'>>;
  /** Asks the main process for them (never throws: an empty list when it cannot). */
  listRecoverable: () => Promise<void>;
  /** Opens a recovered journal and forgets it from the list. */
  openRecovered: (id: string) => Promise<void>;
  /** Deletes a recovered journal and forgets it from the list. */
  discardRecovered: (id: string) => Promise<void>;
}

/** See the file comment. */
export function useTraceRecovery(slot: ConnectionSlot): TraceRecovery {
  const recoverable = ref<InvokeResponse<'recovery:list'>>([]);

  async function listRecoverable(): Promise<void> {
    if (!slot.current) return;
    try {
      recoverable.value = await slot.current.api.invoke('recovery:list', {});
    } catch {
      recoverable.value = [];
    }
  }

  async function settle(channel: 'recovery:open' | 'recovery:discard', id: string): Promise<void> {
    await requireConnection(slot).api.invoke(channel, { id });
    recoverable.value = recoverable.value.filter((j) => j.id !== id);
  }

  return {
    recoverable,
    listRecoverable,
    openRecovered: (id) => settle('recovery:open', id),
    discardRecovered: (id) => settle('recovery:discard', id),
  };
}
