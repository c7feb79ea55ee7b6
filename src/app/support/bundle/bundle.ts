/**
 * The support bundle: one `.zip` to attach to a ticket. Holds the (redacted) trace as
 * `trace.ndjson.gz`, `manifest.json` (format, app, redaction summary, size and sha256 of every
 * other file), `environment.json`, `scenario.json` (when the trace has one), `app.log`,
 * `stats.csv`, `events.csv`, and `report.html` when the caller injects a report renderer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { traceChunks } from '../../../lab';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import { Redactor, redactTrace, type RedactionSummary } from '../../../shared/support/redaction';
import { appInfo } from '../../../lab';
import { appLogText } from './app-log';
import { eventsCsv, statsCsv } from './csv';
import { collectEnvironment } from './environment';
import { CodedError } from '../../../shared/errors';

/** The `format` of `manifest.json`. */
export const BUNDLE_FORMAT = 'faultline-bundle';
/** The version of the bundle layout. */
export const BUNDLE_VERSION = 1;

/** Renders the HTML report from a (redacted) trace; injected by the caller. */
export type ReportRenderer = (
  header: TraceHeader,
  records: readonly TraceRecord[],
) => string | Uint8Array | Promise<string | Uint8Array>;

/** How to build a bundle. */
export interface BundleOptions {
  /** Redact addresses, secrets and SDP (default true; `--no-redact` sets false). */
  redact?: boolean;
  /** Also pseudonymize channel names and UIDs (default false). */
  pseudonymizeIds?: boolean;
}

/** Everything a bundle is made from. */
export interface BundleInput {
  header: TraceHeader;
  records: readonly TraceRecord[];
  options?: BundleOptions;
  /** Extra app log lines (e.g. the desktop app's own log), redacted like everything else. */
  appLog?: readonly string[];
  /**
   * Builds `report.html` from the redacted trace; when it throws, the bundle is still written,
   * without the report, and the manifest says why.
   */
  renderReport?: ReportRenderer;
  /** The exporting machine's environment; collected from this process by default. */
  environment?: Record<string, unknown>;
  /** Clock for `createdAt` and the zip entries' times. */
  now?: () => Date;
  /** More members (e.g. `charts/<name>.png`), listed in the manifest with sha256 like the rest. */
  extraFiles?: ReadonlyArray<{ name: string; data: Uint8Array }>;
}

/** One file listed in the manifest. */
export interface ManifestEntry {
  name: string;
  size: number;
  sha256: string;
}

/** `manifest.json`. The redaction summary holds counts only: never the originals. */
export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  app: { name: string; version: string };
  createdAt: string;
  trace: { startedAt: string; records: number; app: { name: string; version: string } };
  redaction: Omit<RedactionSummary, 'examples'>;
  files: ManifestEntry[];
  /** Parts that could not be made (e.g. the report renderer failed). */
  warnings: string[];
}

/** A built bundle: the zip bytes and its manifest. */
export interface BuiltBundle {
  zip: Uint8Array;
  manifest: BundleManifest;
}

/** Names of the files of a bundle. */
export const BUNDLE_FILES = {
  trace: 'trace.ndjson.gz',
  manifest: 'manifest.json',
  environment: 'environment.json',
  scenario: 'scenario.json',
  appLog: 'app.log',
  stats: 'stats.csv',
  events: 'events.csv',
  report: 'report.html',
} as const;

/** A bundle that could not be written; `code` is stable. */
export class BundleError extends CodedError<'INVALID_INPUT' | 'WRITE_FAILED'> {
  override readonly name = 'BundleError';
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const json = (value: unknown): Uint8Array => strToU8(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The trace as gzipped NDJSON, serialized and compressed piece by piece on zlib's thread pool: the
 * whole text never sits in one string, and the event loop stays free while it compresses.
 */
async function gzipTrace(header: TraceHeader, records: readonly TraceRecord[]): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  await pipeline(
    Readable.from(traceChunks(header, records), { objectMode: false }),
    createGzip({ level: 6 }),
    collect,
  );
  return Buffer.concat(parts);
}

/** Builds the bundle in memory: the zip bytes and the manifest it contains. */
export async function buildBundle(input: BundleInput): Promise<BuiltBundle> {
  if (!input || typeof input.header !== 'object' || input.header === null || !Array.isArray(input.records))
    throw new BundleError('INVALID_INPUT', 'A bundle needs a trace header and its records.');
  const redact = input.options?.redact ?? true;
  const now = (input.now ?? (() => new Date()))();
  const redactor = new Redactor({
    enabled: redact,
    pseudonymizeIds: input.options?.pseudonymizeIds ?? false,
  });
  const { header, records } = redactTrace(input.header, input.records, {}, redactor);
  const warnings: string[] = [];

  const files = new Map<string, Uint8Array>();
  files.set(BUNDLE_FILES.trace, await gzipTrace(header, records));
  const environment =
    input.environment ?? collectEnvironment({ redact, engine: String(header.env['engine'] ?? 'unknown') });
  files.set(BUNDLE_FILES.environment, json(redactor.value({ exporter: environment, recorded: header.env })));
  if (header.scenario !== null && header.scenario !== undefined)
    files.set(BUNDLE_FILES.scenario, json(header.scenario));
  files.set(BUNDLE_FILES.appLog, strToU8(appLogText(header, records, input.appLog ?? [], redactor)));
  files.set(BUNDLE_FILES.stats, strToU8(statsCsv(records)));
  files.set(BUNDLE_FILES.events, strToU8(eventsCsv(records)));
  if (input.renderReport) {
    try {
      const html = await input.renderReport(header, records);
      files.set(BUNDLE_FILES.report, typeof html === 'string' ? strToU8(html) : html);
    } catch (error) {
      warnings.push(
        `report.html was left out: the report renderer failed (${(error as Error)?.message ?? String(error)}).`,
      );
    }
  }

  for (const extra of input.extraFiles ?? []) {
    if (!/^[a-z0-9-]+\/[a-z0-9-]+\.[a-z0-9]+$/.test(extra.name) || files.has(extra.name))
      throw new BundleError('INVALID_INPUT', `"${extra.name.slice(0, 60)}" cannot be added to a bundle.`);
    files.set(extra.name, extra.data);
  }

  const { examples: _examples, ...summary } = redactor.summary();
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    app: appInfo(),
    createdAt: now.toISOString(),
    trace: { startedAt: header.startedAt, records: records.length, app: header.app },
    redaction: summary,
    files: [...files].map(([name, data]) => ({ name, size: data.length, sha256: sha256(data) })),
    warnings,
  };
  const zippable: Zippable = { [BUNDLE_FILES.manifest]: [json(manifest), { level: 6 }] };
  for (const [name, data] of files)
    zippable[name] = [data, { level: name === BUNDLE_FILES.trace || name.endsWith('.png') ? 0 : 6 }];
  return { zip: zipSync(zippable, { mtime: now }), manifest };
}

/** The bundle as zip bytes. */
export async function exportBundle(input: BundleInput): Promise<Uint8Array> {
  return (await buildBundle(input)).zip;
}

/**
 * Builds the bundle and writes it to `path` atomically (a temp file beside it, then a rename), so
 * a reader never sees half a zip and a failed write leaves no stray file.
 */
export async function writeBundle(path: string, input: BundleInput): Promise<BuiltBundle & { path: string }> {
  const built = await buildBundle(input);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, built.zip, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new BundleError(
      'WRITE_FAILED',
      `Cannot write the bundle to ${path}: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
  return { ...built, path };
}
