/**
 * Scenario files (docs/MODEL.md "Scenarios"; the format in README "Scenarios"): participants, a
 * timeline of steps, expectations. Times are scenario milliseconds; the runner multiplies them by
 * `timeScale`.
 */
import { z } from 'zod';
import { LabTimingSchema } from '../model/config';
import { EngineNameSchema } from '../model/engines';
import { ClientFaultSchema } from '../model/faults';
import { CONNECTION_STATES, DISCONNECT_REASONS } from '../model/states';
import { PEER_EVENTS } from '../model/vocabulary';
import { MediaKindSchema } from '../protocol/messages';

const Uid = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32 - 1);
const At = z.number().nonnegative();

/** A local client of the lab. */
export const ParticipantSchema = z.object({
  uid: Uid,
  /** Kinds published by a `publish` step that names none. */
  publish: z.array(MediaKindSchema).default([]),
  /** `auto` subscribes to every remote publication; `none` to nothing. */
  subscribe: z.enum(['auto', 'none']).default('auto'),
  /** WebRTC engine of this client (default: the lab's). */
  engine: EngineNameSchema.optional(),
  role: z.enum(['host', 'audience']).default('host'),
});

const step = <T extends string, S extends z.ZodRawShape>(name: T, shape: S) =>
  z.object({ at: At, do: z.literal(name), ...shape });

/** One timeline step. */
export const StepSchema = z.discriminatedUnion('do', [
  step('join', { uid: Uid }),
  step('leave', { uid: Uid }),
  step('publish', { uid: Uid, kinds: z.array(MediaKindSchema).min(1).optional() }),
  step('unpublish', { uid: Uid, kinds: z.array(MediaKindSchema).min(1).optional() }),
  step('fault', {
    uid: Uid,
    fault: ClientFaultSchema,
    /** Clears the fault after this long; omit to clear with a later `clear` step. */
    forMs: z.number().positive().optional(),
    id: z.string().max(64).optional(),
  }),
  step('clear', { id: z.string().max(64).optional(), uid: Uid.optional() }),
  step('server-stop', { forMs: z.number().positive().optional() }),
  step('server-start', {}),
  step('server-crash', { forMs: z.number().positive().optional() }),
  step('server-ban', { uid: Uid.optional(), channel: z.boolean().optional() }),
  step('server-expire-token', { uid: Uid }),
  step('renew-token', { uid: Uid }),
  /** A second login of `uid` from elsewhere: the server kicks the older one (SAME_UID_LOGIN). */
  step('duplicate-login', { uid: Uid }),
  step('mark', { label: z.string().max(200) }),
  step('end', {}),
]);
/** A validated step. */
export type Step = z.infer<typeof StepSchema>;

/**
 * One expectation: a record that must (or, with `absent`, must not) occur in a window
 * `withinMs` (scenario ms, scaled) after the anchor: the N-th fault's start (`afterFault: N`)
 * or end (`afterFaultEnd: N`), counting client faults and server stops/crashes in time order,
 * or t = 0 (`afterStart`, the default).
 */
export const ExpectationSchema = z
  .object({
    label: z.string().max(200).optional(),
    /** Peer event seen by `observer` about `peer`. */
    observer: Uid.optional(),
    event: z.enum(PEER_EVENTS).optional(),
    peer: Uid.optional(),
    mediaType: MediaKindSchema.optional(),
    /** State transition of `uid` into `state`. */
    uid: Uid.optional(),
    state: z.enum(CONNECTION_STATES).optional(),
    /** With `state`: the reason the record must carry (e.g. TOKEN_EXPIRE). */
    reason: z.enum(DISCONNECT_REASONS).optional(),
    /** The selected candidate pair of `uid` changes to this (`host/udp`, `relay/udp`, `relay/tcp`…). */
    candidatePair: z.string().min(1).max(40).optional(),
    /** With `candidatePair`: only this peer connection's pair (default either). */
    pc: z.enum(['pub', 'sub']).optional(),
    /** Anchor at t = 0 (the default when no fault anchor is named). */
    afterStart: z.literal(true).optional(),
    afterFault: z.number().int().nonnegative().optional(),
    afterFaultEnd: z.number().int().nonnegative().optional(),
    withinMs: z.tuple([z.number().nonnegative(), z.number().nonnegative()]),
    absent: z.boolean().default(false),
  })
  .refine((e) => [e.event, e.state, e.candidatePair].filter((x) => x !== undefined).length === 1, {
    message:
      'an expectation names either a peer `event` (with `observer`), a `state` or a `candidatePair` (with `uid`)',
  })
  .refine((e) => e.event === undefined || e.observer !== undefined, {
    message: 'a peer-event expectation needs `observer`',
  })
  .refine((e) => e.state === undefined || e.uid !== undefined, {
    message: 'a state expectation needs `uid`',
  })
  .refine((e) => e.candidatePair === undefined || e.uid !== undefined, {
    message: 'a candidate-pair expectation needs `uid`',
  })
  .refine((e) => e.withinMs[0] <= e.withinMs[1], { message: '`withinMs` must be [low, high]' });
/** A validated expectation. */
export type Expectation = z.infer<typeof ExpectationSchema>;

/** A whole scenario file. */
export const ScenarioSchema = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().max(2000).default(''),
    /** Which seed vocabulary the scenario is about (`ng` = 4.x, `legacy` = 3.x). */
    profile: z.enum(['ng', 'legacy']).default('ng'),
    channel: z.string().min(1).max(64).default('faultline'),
    /** The scenario needs a TURN server: the lab starts its embedded coturn unless given one. */
    turn: z.boolean().optional(),
    config: LabTimingSchema.partial()
      .omit({ reconnect: true })
      .extend({
        reconnect: LabTimingSchema.shape.reconnect.unwrap().partial().optional(),
      })
      .default({}),
    participants: z.array(ParticipantSchema).min(1).max(200),
    steps: z.array(StepSchema).min(1).max(10_000),
    expect: z.array(ExpectationSchema).max(1000).default([]),
  })
  .superRefine((s, ctx) => {
    const uids = new Set(s.participants.map((p) => p.uid));
    if (uids.size !== s.participants.length) {
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'two participants share a uid' });
    }
    s.steps.forEach((st, i) => {
      if ('uid' in st && st.uid !== undefined && !uids.has(st.uid) && st.do !== 'server-ban') {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'uid'],
          message: `step ${i} (${st.do}) names uid ${st.uid}, which is not a participant`,
        });
      }
      if (i > 0 && st.at < s.steps[i - 1]!.at) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'at'],
          message: `step ${i} (${st.do}) at ${st.at} ms comes before the step above it`,
        });
      }
    });
    const faults = s.steps.filter(
      (st) => st.do === 'fault' || st.do === 'server-stop' || st.do === 'server-crash',
    ).length;
    s.expect.forEach((e, i) => {
      const n = e.afterFault ?? e.afterFaultEnd;
      if (n !== undefined && n >= faults) {
        ctx.addIssue({
          code: 'custom',
          path: ['expect', i],
          message: `expectation ${i} refers to fault ${n}, but the scenario has ${faults} fault step(s)`,
        });
      }
    });
  });
/** A validated scenario, defaults filled. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as a person writes it. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
