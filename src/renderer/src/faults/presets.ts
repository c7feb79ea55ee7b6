/**
 * One-click fault presets: the situations support staff reproduce most. Each is either a
 * client fault (`fault:apply`) on the chosen uid or a server action. Durations are model ms
 * (the lab scales them by its timeScale).
 */
import type { ClientFaultInput } from '../../../shared/model/faults';
import type { ServerAction } from '../stores/lab';

/** A preset. */
export type FaultPreset =
  | { id: string; label: string; title: string; target: 'client'; fault: ClientFaultInput; forMs?: number }
  | { id: string; label: string; title: string; target: 'server'; action: (uid: number) => ServerAction };

/** The built-in presets. */
export const FAULT_PRESETS: readonly FaultPreset[] = [
  {
    id: 'wifi-5',
    label: 'Wi-Fi drop 5 s',
    title: 'Everything blackholed for 5 s: shorter than the 10 s media rule, peers see nothing',
    target: 'client',
    fault: { kind: 'blackhole', path: 'all', direction: 'both' },
    forMs: 5000,
  },
  {
    id: 'wifi-15',
    label: 'Wi-Fi drop 15 s',
    title: 'Blackholed for 15 s: peers see user-unpublished (~10 s), not user-left',
    target: 'client',
    fault: { kind: 'blackhole', path: 'all', direction: 'both' },
    forMs: 15_000,
  },
  {
    id: 'wifi-25',
    label: 'Wi-Fi drop 25 s',
    title: 'Blackholed for 25 s: peers see user-unpublished (~10 s), then user-left (~20 s)',
    target: 'client',
    fault: { kind: 'blackhole', path: 'all', direction: 'both' },
    forMs: 25_000,
  },
  {
    id: 'lossy-uplink',
    label: 'Lossy uplink (20 %)',
    title: '20 % packet loss on the upstream media path, until cleared',
    target: 'client',
    fault: { kind: 'loss', pct: 20, direction: 'up' },
  },
  {
    id: 'high-latency',
    label: 'High latency (400 ms ± 50)',
    title: '400 ms one-way delay with 50 ms jitter, until cleared',
    target: 'client',
    fault: { kind: 'latency', ms: 400, jitterMs: 50, path: 'all', direction: 'both' },
  },
  {
    id: 'server-restart',
    label: 'Server restart (stop 5 s)',
    title: 'Stops the embedded channel server for 5 s, then starts it again',
    target: 'server',
    action: () => ({ action: 'stop', forMs: 5000 }),
  },
  {
    id: 'token-expiry',
    label: 'Token expiry',
    title: "Expires the chosen participant's token on the server",
    target: 'server',
    action: (uid) => ({ action: 'expire-token', uid }),
  },
];
