/**
 * Builds the dashboard's `LabStatus` from a lab: participants and their states, active faults
 * with countdowns in trace time, the server and the scenario run under way.
 */
import type { InvokeResponse } from '../../shared/ipc/contract';
import type { ActiveFault } from '../../lab';
import type { EngineName, Lab, ServerChoice } from '../../lab';

/** The status shape of the contract. */
export type LabStatus = InvokeResponse<'lab:get-status'>;
/** One active fault as the contract carries it. */
export type ActiveFaultStatus = LabStatus['faults'][number];

/** What the service knows about a lab beyond the lab itself. */
export interface LabContext {
  server: ServerChoice;
  /** A remote server answered the handshake the service made (ignored for the embedded one). */
  remoteUp?: boolean;
  /** Engines of participants, by uid (the lab's default for those not listed). */
  engines: ReadonlyMap<number, EngineName>;
  run: LabStatus['run'];
}

/** Fault kinds that take the embedded server down until they end. */
const SERVER_OUTAGES = new Set(['server-stop', 'server-crash']);

/**
 * A fault's countdown on the trace clock: `ActiveFault` holds monotonic ms, the dashboard
 * draws on trace ms (ms since the trace started), so shift both ends by the same offset.
 */
export function faultStatus(fault: ActiveFault, traceNow: number, monoNow: number): ActiveFaultStatus {
  const startedAtT = Math.max(0, Math.round((traceNow - (monoNow - fault.startedAt)) * 10) / 10);
  return {
    id: fault.id,
    kind: fault.kind,
    target: {
      uid: fault.target.uid,
      ...(fault.target.path !== undefined ? { path: fault.target.path } : {}),
      ...(fault.target.direction !== undefined ? { direction: fault.target.direction } : {}),
    },
    params: fault.params,
    startedAtT,
    endsAtT:
      fault.endsAt === null ? null : Math.round((startedAtT + fault.endsAt - fault.startedAt) * 10) / 10,
  };
}

/** The status of a running lab. */
export function labStatus(lab: Lab, context: LabContext): LabStatus {
  const faults = lab.activeFaults();
  const traceNow = lab.recorder.elapsed();
  const monoNow = performance.now();
  const info = lab.serverInfo();
  const outage = faults.some((f) => SERVER_OUTAGES.has(f.kind));
  const server =
    context.server.kind === 'remote'
      ? { kind: 'remote' as const, url: info.url, up: context.remoteUp === true }
      : { kind: 'embedded' as const, url: info.url, up: info.up && !outage };
  return {
    running: true,
    server,
    engine: lab.engine,
    channel: lab.channel,
    timeScale: lab.timing.timeScale,
    participants: lab.uids().map((uid) => ({
      uid,
      engine: context.engines.get(uid) ?? lab.engine,
      state: lab.client(uid).state,
    })),
    faults: faults.map((f) => faultStatus(f, traceNow, monoNow)),
    run: context.run,
  };
}

/** The status when no lab runs (the last trace may still be there to look at). */
export function idleStatus(run: LabStatus['run'] = null): LabStatus {
  return {
    running: false,
    server: null,
    engine: 'wrtc',
    channel: 'faultline',
    timeScale: 1,
    participants: [],
    faults: [],
    run,
  };
}
