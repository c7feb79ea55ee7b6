/**
 * Opening a support bundle: manifest first, then every listed file's size and sha256. The trace
 * is parsed with the lab's streaming reader once its own checksum holds, while the other members
 * are verified beside it (zlib inflates them on the thread pool, so a 1,000,000-record bundle's
 * 85 MiB events.csv costs the parse almost nothing). Nothing in a bundle is trusted before its
 * checksum: a member that fails fails the open, and cancels the parse.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SupportOpenError } from '../../../shared/support/import/errors';
import type { ReadTraceResult } from '../../../lab';
import { parseManifest } from './manifest';
import type { BundleManifest, ManifestFile } from './manifest';
import { inflateZipEntry, listZip, readZipEntry } from './zip';
import type { ZipEntry } from './zip';
import { readTraceAsSupport } from './trace';
import type { OpenContext } from './context';

/** What {@link openBundle} returns. */
export interface OpenedBundle {
  manifest: BundleManifest;
  trace: ReadTraceResult;
  /**
   * Verified members other than the trace, by name (environment.json…), up to
   * {@link MAX_KEPT_MEMBER_BYTES} each; larger ones (events.csv, a long app.log) are verified and
   * not kept, since the trace they were made from is.
   */
  files: Map<string, Uint8Array>;
  warnings: string[];
}

/** Largest member other than the trace that {@link openBundle} keeps in `files`. */
export const MAX_KEPT_MEMBER_BYTES = 4 * 1024 * 1024;

const TRACE_NAME = /^trace\.ndjson(\.gz)?$/;

/** Validates and opens a bundle held in memory. Throws {@link SupportOpenError} only. */
export async function openBundle(bytes: Uint8Array, ctx: OpenContext): Promise<OpenedBundle> {
  const entries = listZip(bytes);
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) byName.set(e.name, e);
  const warnings: string[] = [];
  const declared = entries.reduce((n, e) => n + e.size, 0);
  if (declared > ctx.maxBytes) {
    throw new SupportOpenError(
      'TOO_LARGE',
      `This bundle declares ${declared} bytes of content, over the ${ctx.maxBytes}-byte limit; it was not unpacked (zip-bomb guard).`,
    );
  }
  const manifestEntry = byName.get('manifest.json');
  if (!manifestEntry) {
    throw new SupportOpenError(
      'WRONG_FORMAT',
      'This zip has no manifest.json: it is not a Faultline support bundle.',
      {
        file: 'manifest.json',
      },
    );
  }
  const manifest = parseManifest(
    await readZipEntry(bytes, manifestEntry, { maxBytes: 1024 * 1024, signal: ctx.signal }),
  );
  const traceName = manifest.files.map((f) => f.name).find((n) => TRACE_NAME.test(n));
  if (!traceName) {
    throw new SupportOpenError('CORRUPT_BUNDLE', 'This bundle has no trace.ndjson.gz in its manifest.', {
      file: 'trace.ndjson.gz',
    });
  }
  const members = manifest.files.map((file) => ({ file, entry: entryOf(byName, file) }));
  const listed = new Set(manifest.files.map((f) => f.name));
  const extra = entries.filter(
    (e) => e.name !== 'manifest.json' && !listed.has(e.name) && !e.name.endsWith('/'),
  );
  if (extra.length > 0) {
    warnings.push(
      `${extra.length} file(s) in this bundle are not in its manifest and were ignored: ${extra
        .slice(0, 5)
        .map((e) => e.name)
        .join(', ')}.`,
    );
  }
  const compressedTotal = members.reduce((n, m) => n + m.entry.compressedSize, 0);
  const budget = { left: ctx.maxBytes };
  const traceMember = members.find((m) => m.file.name === traceName)!;
  const traceChunks: Buffer[] = [];
  await verifyMember(
    traceMember,
    bytes,
    ctx,
    budget,
    (c) => traceChunks.push(asBuffer(c)),
    (done) => ctx.progress('verifying', done, compressedTotal),
  );

  if (ctx.signal?.aborted) throw aborted();
  // Both tasks share one signal: the first to fail stops the other, and its error is reported.
  const both = new AbortController();
  const cancel = (): void => both.abort();
  ctx.signal?.addEventListener('abort', cancel, { once: true });
  const inner: OpenContext = { ...ctx, signal: both.signal };
  let firstError: unknown = null;
  const guard = <T>(task: Promise<T>): Promise<T> =>
    task.catch((e: unknown) => {
      firstError ??= e;
      both.abort();
      throw e;
    });
  const files = new Map<string, Uint8Array>();
  const verifyOthers = async (): Promise<void> => {
    for (const m of members) {
      if (m === traceMember) continue;
      const kept: Uint8Array[] | null = m.entry.size <= MAX_KEPT_MEMBER_BYTES ? [] : null;
      await verifyMember(m, bytes, inner, budget, (c) => kept?.push(c));
      if (kept) files.set(m.file.name, Buffer.concat(kept));
    }
  };
  try {
    const [trace] = await Promise.allSettled([
      guard(readTraceAsSupport(Readable.from(traceChunks), inner, traceName)),
      guard(verifyOthers()),
    ]);
    if (firstError !== null) throw ctx.signal?.aborted ? aborted() : firstError;
    return { manifest, trace: (trace as PromiseFulfilledResult<ReadTraceResult>).value, files, warnings };
  } finally {
    ctx.signal?.removeEventListener('abort', cancel);
  }
}

function aborted(): SupportOpenError {
  return new SupportOpenError('ABORTED', 'Opening the bundle was cancelled.');
}

function asBuffer(c: Uint8Array): Buffer {
  return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** The zip entry of a listed file; a listed file that is missing makes the bundle corrupt. */
function entryOf(byName: ReadonlyMap<string, ZipEntry>, file: ManifestFile): ZipEntry {
  const entry = byName.get(file.name);
  if (entry) return entry;
  throw new SupportOpenError(
    'CORRUPT_BUNDLE',
    `The bundle's manifest lists "${file.name}", but the file is missing.`,
    {
      file: file.name,
    },
  );
}

/**
 * Inflates one member into `sink` while hashing it, and checks its size and sha256 against the
 * manifest. `budget.left` is what all members together may still inflate to (zip-bomb guard).
 */
async function verifyMember(
  { file, entry }: { file: ManifestFile; entry: ZipEntry },
  bytes: Uint8Array,
  ctx: OpenContext,
  budget: { left: number },
  sink: (chunk: Uint8Array) => void,
  onSlice?: (compressedDone: number) => void,
): Promise<void> {
  const hash = createHash('sha256');
  const size = await inflateZipEntry(
    bytes,
    entry,
    { maxBytes: ctx.maxBytes, signal: ctx.signal, onSlice },
    (chunk) => {
      budget.left -= chunk.length;
      if (budget.left < 0) {
        throw new SupportOpenError(
          'TOO_LARGE',
          `This bundle's files inflate to more than the ${ctx.maxBytes}-byte limit; it was not opened (zip-bomb guard).`,
          { file: file.name },
        );
      }
      hash.update(chunk);
      sink(chunk);
    },
  );
  if (size !== file.size || hash.digest('hex') !== file.sha256) {
    throw new SupportOpenError(
      'CORRUPT_BUNDLE',
      `"${file.name}" in this bundle is damaged: its ${size !== file.size ? 'size' : 'checksum'} does not match the manifest.`,
      { file: file.name },
    );
  }
}
