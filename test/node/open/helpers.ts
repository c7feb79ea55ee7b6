/** Builders of test inputs: traces and support bundles made the way the export writes them. */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Deflate, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { makeHeader, serializeTrace } from '../../../src/shared/trace/serialize';
import type { TraceRecord } from '../../../src/shared/trace/records';
import { expect } from 'vitest';
import { SupportOpenError } from '../../../src/app/support/open';

/** The code an open rejects with (a {@link SupportOpenError}, asserted), or 'OPENED' if it opens. */
export async function openCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SupportOpenError);
    return (e as SupportOpenError).code;
  }
  return 'OPENED';
}

/** A small valid trace's text. */
export function traceText(n = 20): string {
  const header = makeHeader(
    { timeScale: 1, app: { name: 'faultline', version: '0.0.0-test' } },
    () => new Date(1700000000000),
  );
  const records: TraceRecord[] = [];
  for (let i = 1; i <= n; i++) {
    records.push(
      i % 2
        ? ({ seq: i, t: i * 10, uid: 1, type: 'mark', label: `m${i}` } as TraceRecord)
        : ({
            seq: i,
            t: i * 10,
            uid: 1,
            type: 'stats',
            rttMs: 40,
            lossPct: 0,
            jitterMs: 2,
            sendKbps: 30,
            recvKbps: 31,
          } as TraceRecord),
    );
  }
  return serializeTrace(header, records);
}

const enc = new TextEncoder();
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Options of {@link makeBundle}. */
export interface BundleOptions {
  manifest?: Record<string, unknown>;
  /** Files to add without listing them in the manifest. */
  unlisted?: Record<string, Uint8Array>;
  /** Replace a file's bytes after the manifest was computed. */
  tamper?: Record<string, Uint8Array>;
  /** Leave manifest.json out. */
  noManifest?: boolean;
  files?: Record<string, Uint8Array>;
  /** Deflate level of the zip (0 stores members as they are). */
  level?: 0 | 6;
}

/** A "faultline-bundle" v1 zip: trace.ndjson.gz, environment.json, manifest.json with sha256 + size. */
export function makeBundle(opts: BundleOptions = {}): Uint8Array {
  const files: Record<string, Uint8Array> = opts.files ?? {
    'trace.ndjson.gz': gzipSync(traceText()),
    'environment.json': enc.encode(JSON.stringify({ os: 'linux' })),
  };
  const manifest = {
    format: 'faultline-bundle',
    version: 1,
    app: { name: 'faultline', version: '0.0.0-test' },
    createdAt: '2026-01-01T00:00:00.000Z',
    files: Object.entries(files).map(([name, b]) => ({ name, sha256: sha(b), size: b.length })),
    ...opts.manifest,
  };
  const zip: Zippable = { ...files, ...opts.tamper, ...opts.unlisted };
  if (!opts.noManifest) zip['manifest.json'] = enc.encode(JSON.stringify(manifest));
  return zipSync(zip, { level: opts.level ?? 6 });
}

/** Deterministic PRNG (mulberry32) for the corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One member of a hand-made zip, with whatever sizes it claims. */
export interface RawEntry {
  name: string;
  /** The member's bytes as stored (already deflated when method is 8). */
  data: Uint8Array;
  method: 0 | 8;
  declaredSize: number;
}

/** A zip written byte by byte, so tests can make it lie about sizes (CRCs are left 0). */
export function rawZip(entries: RawEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(Math.min(e.declaredSize, 0xffffffff), 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, Buffer.from(e.data));
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(e.method, 10);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(Math.min(e.declaredSize, 0xffffffff), 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
  }
  const dir = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(dir.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, eocd]);
}

/** `n` MiB of zeros, deflated without ever holding them (≈ 1 KiB per MiB). */
export function deflatedZeros(mib: number): Uint8Array {
  const out: Uint8Array[] = [];
  const deflater = new Deflate({ level: 9 }, (chunk) => out.push(chunk));
  const zeros = new Uint8Array(1 << 20);
  for (let i = 0; i < mib; i++) deflater.push(zeros, i === mib - 1);
  return Buffer.concat(out);
}
