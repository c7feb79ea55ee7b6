/**
 * Opening a support bundle: manifest first, then every listed file's size and sha256, then the
 * trace with the lab's streaming reader. Nothing in a bundle is trusted before its checksum.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SupportOpenError } from '../../../shared/support/import/errors';
import type { ReadTraceResult } from '../../../lab';
import { parseManifest } from './manifest';
import type { BundleManifest } from './manifest';
import { listZip, readZipEntry } from './zip';
import type { ZipEntry } from './zip';
import { readTraceAsSupport } from './trace';
import type { OpenContext } from './context';

/** What {@link openBundle} returns. */
export interface OpenedBundle {
  manifest: BundleManifest;
  trace: ReadTraceResult;
  /** Verified members other than the trace, by name (environment.json, app.log…). */
  files: Map<string, Uint8Array>;
  warnings: string[];
}

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
  const compressedTotal = manifest.files.reduce((n, f) => n + (byName.get(f.name)?.compressedSize ?? 0), 0);
  let compressedDone = 0;
  let inflated = 0;
  const files = new Map<string, Uint8Array>();
  for (const f of manifest.files) {
    const entry = byName.get(f.name);
    if (!entry) {
      throw new SupportOpenError(
        'CORRUPT_BUNDLE',
        `The bundle's manifest lists "${f.name}", but the file is missing.`,
        {
          file: f.name,
        },
      );
    }
    const data = await readZipEntry(bytes, entry, {
      maxBytes: ctx.maxBytes,
      signal: ctx.signal,
      onSlice: (done) => ctx.progress('verifying', compressedDone + done, compressedTotal),
    });
    compressedDone += entry.compressedSize;
    inflated += data.length;
    if (inflated > ctx.maxBytes) {
      throw new SupportOpenError(
        'TOO_LARGE',
        `This bundle's files inflate to more than the ${ctx.maxBytes}-byte limit; it was not opened (zip-bomb guard).`,
        { file: f.name },
      );
    }
    const sha = createHash('sha256').update(data).digest('hex');
    if (data.length !== f.size || sha !== f.sha256) {
      throw new SupportOpenError(
        'CORRUPT_BUNDLE',
        `"${f.name}" in this bundle is damaged: its ${data.length !== f.size ? 'size' : 'checksum'} does not match the manifest.`,
        { file: f.name },
      );
    }
    files.set(f.name, data);
  }
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
  const traceName = manifest.files.map((f) => f.name).find((n) => TRACE_NAME.test(n));
  if (!traceName) {
    throw new SupportOpenError('CORRUPT_BUNDLE', 'This bundle has no trace.ndjson.gz in its manifest.', {
      file: 'trace.ndjson.gz',
    });
  }
  const traceBytes = files.get(traceName)!;
  files.delete(traceName);
  const trace = await readTraceAsSupport(Readable.from([Buffer.from(traceBytes)]), ctx, traceName);
  return { manifest, trace, files, warnings };
}
