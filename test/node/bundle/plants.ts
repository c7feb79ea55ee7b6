/**
 * Planted identifiers for the redaction property test: one generator per class of leak the
 * outside review found (issue 11 #5), and the places of a trace a plant can go. Every plant is
 * built from seeded random words, so each has needles (its sensitive parts) that occur nowhere
 * else and can be searched for in every decompressed member of a bundle.
 */
import type { Random } from '../../../src/shared/random';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';

/** One planted value. */
export interface Plant {
  /** The class it belongs to. */
  cls: string;
  /** Where it was put. */
  position: Position;
  /** The value as free text (a log line, a key, a sentence). */
  text: string;
  /** The value as a field (`username: …`), for classes that a field name gives away. */
  field: [string, string] | null;
  /** The parts that must not survive redaction. */
  needles: string[];
}

/** Where a plant goes. */
export type Position = 'value' | 'key' | 'text' | 'raw' | 'log' | 'scenario' | 'app-log';

/** Every position, in a fixed order. */
export const POSITIONS: readonly Position[] = ['value', 'key', 'text', 'raw', 'log', 'scenario', 'app-log'];

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`;
const HEX = '0123456789abcdef';

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function chars(rng: Random, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
  return s;
}

/** A lowercase word of n letters that occurs in no trace: starts with "q" or "z" and has no vowels. */
function word(rng: Random, n: number): string {
  return pick(rng, ['q', 'z']) + chars(rng, 'bcdfghjklmnpqrstvwxz', n - 1);
}

const byte = (rng: Random): number => 1 + Math.floor(rng() * 254);

type Made = Omit<Plant, 'cls' | 'position'>;

/** The classes of the review's finding, each a generator of fresh values. */
export const PLANT_CLASSES: Record<string, (rng: Random) => Made> = {
  'ipv4-port': (rng) => {
    const ip = pick(rng, [
      `192.168.${byte(rng)}.${byte(rng)}`,
      `10.${byte(rng)}.${byte(rng)}.${byte(rng)}`,
      `198.51.100.${byte(rng)}`,
    ]);
    return { text: `${ip}:${1024 + Math.floor(rng() * 60000)}`, field: null, needles: [ip] };
  },
  'ipv6-zone': (rng) => {
    const ip = `fe80::${chars(rng, HEX, 4)}:${chars(rng, HEX, 4)}`;
    return { text: `${ip}%eth0`, field: null, needles: [ip] };
  },
  mdns: (rng) => {
    const id = `${chars(rng, HEX, 8)}-${chars(rng, HEX, 4)}-4${chars(rng, HEX, 3)}-a${chars(rng, HEX, 3)}-${chars(rng, HEX, 12)}`;
    return { text: `${id}.local`, field: null, needles: [id] };
  },
  'ice-pwd': (rng) => {
    const pwd = chars(rng, ALNUM, 24);
    return { text: `a=ice-pwd:${pwd}`, field: ['icePwd', pwd], needles: [pwd] };
  },
  'ice-ufrag': (rng) => {
    const ufrag = word(rng, 8);
    return { text: `a=ice-ufrag:${ufrag}`, field: ['usernameFragment', ufrag], needles: [ufrag] };
  },
  'home-path': (rng) => {
    const user = word(rng, 8);
    const text = pick(rng, [
      `/home/${user}/.config/faultline/app.log`,
      `/Users/${user}/Library/Logs/Faultline/main.log`,
      `C:\\Users\\${user}\\AppData\\Roaming\\Faultline\\journal`,
    ]);
    return { text, field: null, needles: [user] };
  },
  email: (rng) => {
    const [name, org] = [word(rng, 7), word(rng, 7)];
    return { text: `${name}.ops@${org}-corp.com`, field: null, needles: [`${name}.ops`, `${org}-corp`] };
  },
  hostname: (rng) => {
    const name = pick(rng, [
      `ip-10-${byte(rng)}-${byte(rng)}-${byte(rng)}`,
      `sfu-${word(rng, 7)}`,
      `turn-${word(rng, 7)}`,
    ]);
    const text = pick(rng, [`${name}.ec2.internal`, `${name}.prod.corp`, `${name}.example.com`]);
    return { text, field: null, needles: [name] };
  },
  username: (rng) => {
    const user = `${1_700_000_000 + Math.floor(rng() * 1e8)}:${word(rng, 8)}`;
    return { text: `username=${user}`, field: ['username', user], needles: [user.split(':')[1]!] };
  },
  mac: (rng) => {
    const sep = pick(rng, [':', '-']);
    const mac = Array.from({ length: 6 }, () => chars(rng, HEX, 2)).join(sep);
    return { text: mac, field: null, needles: [mac] };
  },
  'basic-auth': (rng) => {
    const b64 = Buffer.from(`${word(rng, 6)}:${chars(rng, ALNUM, 10)}`).toString('base64');
    return { text: `Authorization: Basic ${b64}`, field: ['Authorization', `Basic ${b64}`], needles: [b64] };
  },
  'url-userinfo': (rng) => {
    const [user, pass] = [word(rng, 7), `${word(rng, 5)}${Math.floor(rng() * 1000)}`];
    const host = pick(rng, ['127.0.0.1:4443', 'turn.example.net:443']);
    return { text: `wss://${user}:${pass}@${host}/v1/channel`, field: null, needles: [user, pass] };
  },
};

/** Makes `perClass` plants of every class at seeded random positions. */
export function makePlants(rng: Random, perClass: number): Plant[] {
  const plants: Plant[] = [];
  for (const [cls, make] of Object.entries(PLANT_CLASSES))
    for (let i = 0; i < perClass; i++)
      // Every position at least once per class, then random ones.
      plants.push({
        cls,
        position: i < POSITIONS.length ? POSITIONS[i]! : pick(rng, POSITIONS),
        ...make(rng),
      });
  return plants;
}

/** A deep copy of a trace with the plants in it, and the app log lines they add. */
export function plantTrace(
  rng: Random,
  source: { header: TraceHeader; records: readonly TraceRecord[] },
  plants: readonly Plant[],
): { header: TraceHeader; records: TraceRecord[]; appLog: string[] } {
  const header = structuredClone(source.header) as TraceHeader & { scenario: Record<string, unknown> };
  const records = structuredClone(source.records) as Array<TraceRecord & Record<string, unknown>>;
  const stats = records.filter((r) => r.type === 'stats') as Array<{ raw?: Record<string, unknown> }>;
  const appLog: string[] = [];
  let last = records[records.length - 1]!;
  plants.forEach((plant, n) => {
    const record = pick(rng, records);
    const [fieldKey, fieldValue] = plant.field ?? [`note${n}`, plant.text];
    switch (plant.position) {
      case 'value':
        record[fieldKey] = fieldValue;
        break;
      case 'key':
        record[`byAddress${n}`] = { [plant.text]: { packets: n } };
        break;
      case 'text':
        record[`detail${n}`] = `peer said ${plant.text}, then went quiet`;
        break;
      case 'raw': {
        const s = pick(rng, stats);
        s.raw = {
          ...s.raw,
          [`turn${n}`]: { servers: [{ [fieldKey]: fieldValue, note: `via ${plant.text}` }] },
        };
        break;
      }
      case 'log':
        last = {
          seq: last.seq + 1,
          t: last.t,
          uid: 1,
          type: 'log',
          level: 'warn',
          msg: `turn: ${plant.text} refused`,
        };
        records.push(last as TraceRecord & Record<string, unknown>);
        break;
      case 'scenario':
        header.scenario[`x${n}`] = { nested: [{ [fieldKey]: fieldValue }, `see ${plant.text}`] };
        break;
      case 'app-log':
        appLog.push(`main: ${plant.text} (attempt ${n})`);
        break;
    }
  });
  return { header, records, appLog };
}
