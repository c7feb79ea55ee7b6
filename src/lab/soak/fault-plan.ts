/**
 * The soak's fault plan: each iteration replays the scenario's timeline with its faults
 * replaced by random ones drawn from `deriveSeed(seed, iteration)`, so one seed always gives
 * the same plan and a failing iteration can be rerun from its number and seed alone.
 */
import { parseClientFault, type ClientFaultInput, type Scenario, type Step } from '../../shared';
import { deriveSeed, mulberry32, type Random } from '../../shared/random';

/** Client fault kinds the soak draws from (`refuse` is left out: it only bites on rejoin). */
export const SOAK_FAULT_KINDS = ['blackhole', 'latency', 'loss', 'bandwidth', 'reset', 'ip-change'] as const;

/** Bounds of the random faults, in scenario ms. */
export interface FaultPlanBounds {
  /** Shortest fault (default 1 000). */
  minMs: number;
  /** Longest fault (default 25 000), further capped so a fault ends before the next step. */
  maxMs: number;
}

/** Default bounds: 1–25 s, i.e. from a blip to past the 20 s user-left rule. */
export const DEFAULT_FAULT_BOUNDS: FaultPlanBounds = { minMs: 1000, maxMs: 25_000 };

/** One iteration's plan: its seed and the timeline it runs. */
export interface IterationPlan {
  iteration: number;
  seed: number;
  steps: Step[];
  /** The random faults in the plan, one line each (for reports and reruns). */
  faults: string[];
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (random: Random, lo: number, hi: number): number => Math.round(lo + random() * (hi - lo));

/** A random client fault with random parameters. */
export function randomFault(random: Random): ClientFaultInput {
  const kind = pick(random, SOAK_FAULT_KINDS);
  switch (kind) {
    case 'blackhole':
      return { kind, path: pick(random, ['all', 'all', 'signaling', 'media'] as const) };
    case 'latency':
      return { kind, ms: between(random, 50, 2000), jitterMs: between(random, 0, 200) };
    case 'loss':
      return random() < 0.5
        ? { kind, pct: between(random, 5, 60) }
        : { kind, pct: between(random, 5, 40), burst: { meanLength: between(random, 2, 20) } };
    case 'bandwidth':
      return { kind, kbps: between(random, 32, 2000) };
    case 'reset':
      return { kind, path: pick(random, ['all', 'signaling', 'media'] as const) };
    case 'ip-change':
      return { kind };
  }
}

/**
 * The timeline of iteration `iteration`: the scenario's steps, each client `fault` step
 * replaced by a random fault on the same uid at the same time (a scenario without one gets a
 * random fault on its first participant halfway through). Durations fall within `bounds` and
 * end before the next non-fault step; `clear` and server steps are kept as written.
 */
export function planIteration(
  scenario: Scenario,
  seed: number,
  iteration: number,
  bounds: FaultPlanBounds = DEFAULT_FAULT_BOUNDS,
): IterationPlan {
  const iterationSeed = deriveSeed(seed, iteration);
  const random = mulberry32(iterationSeed);
  const steps = [...scenario.steps].sort((a, b) => a.at - b.at);
  const last = steps.at(-1)?.at ?? 0;
  if (!steps.some((s) => s.do === 'fault') && scenario.participants.length > 0) {
    const uid = scenario.participants[0]!.uid;
    const at = Math.round(last / 2);
    steps.push({ at, do: 'fault', uid, fault: { kind: 'blackhole', path: 'all', direction: 'both' } });
    steps.sort((a, b) => a.at - b.at);
  }
  const faults: string[] = [];
  const planned = steps.map((step, index): Step => {
    if (step.do !== 'fault') return step;
    const nextAt = steps.slice(index + 1).find((s) => s.do !== 'fault')?.at ?? last + bounds.maxMs;
    const room = Math.max(bounds.minMs, nextAt - step.at - 1000);
    const forMs = between(random, bounds.minMs, Math.min(bounds.maxMs, room));
    const fault = randomFault(random);
    faults.push(`at ${step.at} ms uid ${step.uid}: ${describeFault(fault)} for ${forMs} ms`);
    return {
      at: step.at,
      do: 'fault',
      uid: step.uid,
      fault: parseClientFault(fault),
      forMs,
      ...(step.id ? { id: step.id } : {}),
    };
  });
  return { iteration, seed: iterationSeed, steps: planned, faults };
}

/** A fault in one line, e.g. `latency ms=300 jitterMs=20`. */
export function describeFault(fault: ClientFaultInput): string {
  const { kind, ...rest } = fault;
  const params = Object.entries(rest).map(([k, v]) =>
    typeof v === 'object' && v !== null
      ? Object.entries(v)
          .map(([k2, v2]) => `${k}.${k2}=${String(v2)}`)
          .join(' ')
      : `${k}=${String(v)}`,
  );
  return [kind, ...params].join(' ');
}
