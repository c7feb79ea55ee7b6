/** The dashboard's stores, and the one place that hands them the API connection. */
import type { ApiConnection } from '../api';
import { useLabStore } from './lab';
import { useScenarioStore } from './scenario';
import { useTraceStore } from './trace';

export { useLabStore } from './lab';
export { useScenarioStore } from './scenario';
export { useTraceStore } from './trace';
export { useUiStore } from './ui';

/** Subscribes every store to `connection` (call once, after the pinia is active). */
export async function initStores(connection: ApiConnection): Promise<void> {
  await Promise.all([
    useLabStore().init(connection),
    useTraceStore().init(connection),
    useScenarioStore().init(connection),
  ]);
}

/** Unsubscribes every store. */
export function disposeStores(): void {
  useLabStore().dispose();
  useTraceStore().dispose();
  useScenarioStore().dispose();
}
