/**
 * The peer connections of an imported trace, as `header.env.peerConnections` names them: each
 * imported PC is one numeric `uid` (1..N in the order the dump lists them) with the browser's own
 * id for it and the page it belonged to. Older imports wrote a bare id string per uid; both read.
 */
import type { TraceHeader } from '../../trace/records';

/** One peer connection of an imported dump. */
export interface ImportedPeerConnection {
  /** The `uid` its records carry. */
  uid: number;
  /** The browser's id (webrtc-internals `<pid>-<n>` key, rtcstats `PC_n`). */
  id: string;
  /** The page that created it, when the dump says. */
  url: string | null;
}

/** The value an importer writes for one PC under `header.env.peerConnections[uid]`. */
export interface PeerConnectionEntry {
  id: string;
  url: string | null;
}

/** Imported PCs by uid order; empty for lab traces (no `peerConnections` in `env`). */
export function importedPeerConnections(header: Pick<TraceHeader, 'env'>): ImportedPeerConnection[] {
  const raw = header.env?.['peerConnections'];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const out: ImportedPeerConnection[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const uid = Number(key);
    if (!Number.isInteger(uid) || uid < 0) continue;
    if (typeof value === 'string') out.push({ uid, id: value, url: null });
    else if (value && typeof value === 'object') {
      const { id, url } = value as { id?: unknown; url?: unknown };
      out.push({
        uid,
        id: typeof id === 'string' ? id : key,
        url: typeof url === 'string' && url ? url : null,
      });
    }
  }
  return out.sort((a, b) => a.uid - b.uid);
}

/** A short name for a PC in charts and summaries: `PC <id>` (the page host when known). */
export function peerConnectionLabel(pc: ImportedPeerConnection): string {
  let host = '';
  if (pc.url) {
    try {
      host = new URL(pc.url).host;
    } catch {
      host = '';
    }
  }
  return host ? `PC ${pc.id} (${host})` : `PC ${pc.id}`;
}

/** True when the trace was imported from a browser dump rather than recorded by the lab. */
export function isImportedTrace(header: Pick<TraceHeader, 'env'>): boolean {
  const source = header.env?.['source'];
  return source === 'webrtc-internals' || source === 'rtcstats';
}
