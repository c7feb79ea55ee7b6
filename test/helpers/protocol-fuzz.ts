/**
 * A protocol fuzzer for the channel server, shared by the fuzz test and the fuzz bench: frames
 * generated from the protocol's own message schemas (`ClientMessageSchema`, walked through
 * zod's definitions), then mutated — wrong types, missing and extra fields, huge numbers, deep
 * nesting, unicode, cut-off JSON — and sent from a pool of sockets, some joined, most not, which
 * are replaced whenever the server closes one. Seeded, so a failing run can be replayed; bounded
 * in frames and in time.
 */
import WebSocket from 'ws';
import { ClientMessageSchema } from '../../src/shared/protocol/messages';
import { mulberry32 } from '../../src/shared/random';

/** A seeded PRNG: the same seed gives the same frames. */
export const seededRandom = mulberry32;

type Rng = () => number;
interface ZodDef {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  innerType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
  options?: Array<{ _zod: { def: ZodDef } }>;
  values?: unknown[];
  entries?: Record<string, string>;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const ODD_STRINGS = [
  '',
  ' ',
  'room',
  '\u0000',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\ud83d\ude00\ud83d',
  '\ufeff',
  '%00%ff',
  '../../etc/passwd',
  'a'.repeat(70),
  'x'.repeat(5000),
  '{"type":"join"}',
];
const ODD_NUMBERS = [0, -1, 1, 2 ** 31, 2 ** 32, 2 ** 53 + 1, -(2 ** 63), 1e308, 5e-324, 0.5, -0.0];

/** A value that fits the schema definition (a plausible frame field). */
function valid(def: ZodDef, rng: Rng, depth = 0): unknown {
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        const inner = field._zod.def;
        if (inner.type === 'optional' && rng() < 0.5) continue;
        out[key] = valid(inner, rng, depth + 1);
      }
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
      return valid(def.innerType!._zod.def, rng, depth);
    case 'literal':
      return pick(rng, def.values ?? [null]);
    case 'enum':
      return pick(rng, Object.values(def.entries ?? {}));
    case 'array':
      return Array.from({ length: Math.floor(rng() * 3) }, () =>
        valid(def.element!._zod.def, rng, depth + 1),
      );
    case 'union':
      return valid(pick(rng, def.options ?? [])._zod.def, rng, depth);
    case 'string':
      return rng() < 0.7
        ? pick(rng, ['room', 'a', 'candidate:1 1 udp 1 127.0.0.1 9 typ host', 'v=0'])
        : pick(rng, ODD_STRINGS);
    case 'number':
    case 'int':
      return rng() < 0.7 ? Math.floor(rng() * 1000) : pick(rng, ODD_NUMBERS);
    case 'boolean':
      return rng() < 0.5;
    default:
      return null;
  }
}

/** A deeply nested value (the server must not recurse into trouble). */
function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { n: value };
  return value;
}

/** A wrong-typed replacement for a field. */
function wrongType(rng: Rng): unknown {
  return pick(rng, [null, true, [], {}, 'str', 42, -Infinity, deep(50), { type: 'join' }, ['audio', 7]]);
}

const MESSAGE_DEFS: ZodDef[] = (
  ClientMessageSchema.options as unknown as Array<{ _zod: { def: ZodDef } }>
).map((option) => option._zod.def);

/** One fuzz frame: mostly schema-shaped messages with one mutation, some raw garbage. */
export function fuzzFrame(rng: Rng): string {
  const message = valid(pick(rng, MESSAGE_DEFS), rng) as Record<string, unknown>;
  const keys = Object.keys(message).filter((key) => key !== 'type');
  const roll = rng();
  if (roll < 0.15) {
    // a valid frame, as is
  } else if (roll < 0.3 && keys.length > 0) {
    message[pick(rng, keys)] = wrongType(rng);
  } else if (roll < 0.4 && keys.length > 0) {
    delete message[pick(rng, keys)];
  } else if (roll < 0.5) {
    message[pick(rng, ['extra', '__proto__', 'constructor', '', '\u0000'])] = wrongType(rng);
  } else if (roll < 0.58 && keys.length > 0) {
    message[pick(rng, keys)] = pick(rng, ODD_NUMBERS);
  } else if (roll < 0.64) {
    message[pick(rng, keys.length > 0 ? keys : ['x'])] = deep(200 + Math.floor(rng() * 2000));
  } else if (roll < 0.7 && keys.length > 0) {
    message[pick(rng, keys)] = pick(rng, ODD_STRINGS);
  } else if (roll < 0.76) {
    message['type'] = pick(rng, ['JOIN', 'join ', 'dance', '', 42, null, 'constructor', '__proto__']);
  } else if (roll < 0.84) {
    // a frame cut off mid-JSON (a "split" frame: WebSocket frames arrive whole, so half is all there is)
    const text = JSON.stringify(message);
    return text.slice(0, Math.max(1, Math.floor(rng() * text.length)));
  } else if (roll < 0.9) {
    return pick(rng, [
      '',
      'null',
      '[]',
      '"ping"',
      '1e999',
      '{',
      '}{',
      '\u0000',
      '{"type":"ping","ts":1}{"type":"ping"}',
    ]);
  } else if (roll < 0.95) {
    return JSON.stringify(pick(rng, [[message], { message }, { ...message, ...message }]));
  }
  return JSON.stringify(message);
}

/** What {@link runFuzz} did. */
export interface FuzzSummary {
  /** Frames sent. */
  frames: number;
  /** Sockets opened (the pool refills each one the server closed). */
  sockets: number;
  /** Close codes the server used, with counts. */
  closes: Record<number, number>;
  /** Handshakes refused or failed (HTTP status or 'error'), with counts. */
  refusedHandshakes: Record<string, number>;
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** The server's protocol URL (loopback). */
  url: string;
  /** Frames to send in all. */
  frames: number;
  /** Sockets sending at once. */
  pool: number;
  /** Seed of the frames. */
  seed: number;
  /** Gives the token of a fuzz uid, so some sockets fuzz as joined members; null: none join. */
  token: ((uid: number) => string) | null;
  /** Channel the joined fuzz sockets use. */
  channel: string;
  /** Upper bound on the run, in ms (the run stops early when reached). */
  maxMs: number;
  /** Frames sent between two yields of a socket's loop. */
  burst?: number;
  /** Frames per second over all sockets (paced); default: as fast as the sockets go. */
  ratePerSecond?: number;
}

/** Opens a socket; resolves null when the handshake is refused or fails. */
function open(url: string, summary: FuzzSummary): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    summary.sockets++;
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      const key = String(response.statusCode ?? 0);
      summary.refusedHandshakes[key] = (summary.refusedHandshakes[key] ?? 0) + 1;
      response.resume();
      socket.terminate();
      resolve(null);
    });
    socket.once('error', () => {
      summary.refusedHandshakes['error'] = (summary.refusedHandshakes['error'] ?? 0) + 1;
      resolve(null);
    });
    socket.on('close', (code) => {
      summary.closes[code] = (summary.closes[code] ?? 0) + 1;
    });
  });
}

/**
 * Sends `frames` fuzz frames from a pool of sockets (one in four joined with a valid token of
 * a uid ≥ 1000, so frames also reach the joined paths); a socket the server closes is
 * replaced. Resolves when every frame is sent, or at `maxMs`, after closing every socket.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const rng = seededRandom(opts.seed);
  const summary: FuzzSummary = { frames: 0, sockets: 0, closes: {}, refusedHandshakes: {} };
  const started = performance.now();
  const deadline = started + opts.maxMs;
  const ahead = (): boolean =>
    opts.ratePerSecond !== undefined &&
    summary.frames >= ((performance.now() - started) / 1000) * opts.ratePerSecond;
  const burst = opts.burst ?? 20;
  let nextUid = 1000;
  const live = new Set<WebSocket>();

  async function worker(index: number): Promise<void> {
    while (summary.frames < opts.frames && performance.now() < deadline) {
      const socket = await open(opts.url, summary);
      if (!socket) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      live.add(socket);
      if (opts.token && index % 4 === 0) {
        const uid = nextUid++;
        socket.send(JSON.stringify({ type: 'join', channel: opts.channel, uid, token: opts.token(uid) }));
      }
      while (
        socket.readyState === WebSocket.OPEN &&
        summary.frames < opts.frames &&
        performance.now() < deadline
      ) {
        const frame = fuzzFrame(rng);
        // Repeated frames: the same one a few times in a row, now and then.
        const copies = rng() < 0.1 ? 1 + Math.floor(rng() * 5) : 1;
        for (let i = 0; i < copies && socket.readyState === WebSocket.OPEN; i++) {
          socket.send(frame);
          summary.frames++;
        }
        if (ahead()) await new Promise((r) => setTimeout(r, 5));
        else if (summary.frames % burst === 0) await new Promise((r) => setImmediate(r));
      }
      socket.terminate();
      live.delete(socket);
    }
  }

  await Promise.all(Array.from({ length: opts.pool }, (_, i) => worker(i)));
  for (const socket of live) socket.terminate();
  return summary;
}
