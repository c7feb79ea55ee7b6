/**
 * Applying a client fault to a participant's injector, as the lab's fault bookkeeping records
 * it: the model's durations scaled, the target and parameters as the trace shows them, and how
 * to undo it.
 */
import { scaled, type ClientFault, type LabTiming } from '../shared';
import type { FaultStart } from './fault-controller';
import type { FaultInjector } from './faults/fault-injector';

/** Fault kinds that happen once rather than last. */
const INSTANT_KINDS = new Set(['reset', 'ip-change']);

/**
 * Applies `fault` to `injector` now, under the lab's id `id` (so the injector's log lines name
 * the fault as the trace does), and describes it for {@link FaultController.started}. `forMs`
 * is model time (the controller scales it).
 */
export function applyClientFault(
  injector: FaultInjector,
  uid: number,
  fault: ClientFault,
  timing: LabTiming,
  forMs: number | undefined,
  id: string,
): FaultStart {
  const injectorId = injector.apply(scaleFault(fault, timing), id);
  const { kind, ...params } = fault;
  return {
    kind,
    target: {
      uid,
      path: 'path' in fault ? fault.path : undefined,
      direction: 'direction' in fault ? fault.direction : undefined,
    },
    params,
    forMs,
    instantaneous: INSTANT_KINDS.has(kind),
    undo: () => injector.clear(injectorId),
  };
}

/**
 * Added delay is a duration like any other in the model, so it scales with `timeScale`:
 * 400 ms of latency against a 4.5 s liveness timeout stays 40 ms against 450 ms at 0.1.
 * The trace keeps the model values (its header carries the time scale).
 */
function scaleFault(fault: ClientFault, timing: LabTiming): ClientFault {
  if (fault.kind !== 'latency') return fault;
  return { ...fault, ms: scaled(timing, fault.ms), jitterMs: scaled(timing, fault.jitterMs) };
}
