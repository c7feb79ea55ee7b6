/**
 * Writing and reading trace files for the desktop shell (File → Export trace…, Open trace…).
 * Electron-free: the shell picks the path with a native dialog and calls these.
 */
import { basename } from 'node:path';
import {
  MAX_BUNDLE_CHARTS,
  MAX_CHART_PNG_BYTES,
  MAX_TRANSFER_BYTES,
  type ChartImage,
  type EventPayload,
  type IpcError,
  type InvokeParsed,
  type InvokeResponse,
} from '../../shared/ipc';
import type { TraceHeader, TraceRecord } from '../../shared/trace/records';
import { writeTrace } from '../../lab';
import { readTrace, TraceReadError } from '../../lab';
import { exportBundle, writeBundle } from '../support/bundle';
import { openSupportFileInWorker, SupportOpenError, type OpenSupportOptions } from '../support/open';
import { renderReport } from '../support/report/render';
import { serviceError } from './errors';
import type { LabService } from './lab-service';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const badChart = (message: string): IpcError => serviceError('BAD_CHART', message);

/** What an open can be given: an abort signal (ABORTED) and a progress callback. */
export type OpenControl = Pick<OpenSupportOptions, 'signal' | 'onProgress'>;

/** How `trace:export` writes: a bundle (default) or the bare trace. */
export type ExportOptions = Pick<InvokeParsed<'trace:export'>, 'format' | 'redact' | 'pseudonymizeIds'> & {
  /** Chart images for a bundle's `charts/` (see {@link chartFiles}). */
  charts?: readonly ChartImage[];
};

/** The default file name of an export, from the trace's start time (`faultline-2026-…`). */
export function defaultTraceName(startedAt: string | undefined, gzip: boolean): string {
  const stamp = (startedAt ?? new Date().toISOString()).replace(/[:.]/g, '-').replace(/Z$/, '');
  return `faultline-${stamp}.ndjson${gzip ? '.gz' : ''}`;
}

/** The default file name of a support bundle (`faultline-…-support.zip`). */
export function defaultBundleName(startedAt: string | undefined): string {
  return defaultTraceName(startedAt, false).replace(/\.ndjson$/, '-support.zip');
}

/** The default file name for an export in `format`. */
export function defaultExportName(startedAt: string | undefined, format: ExportOptions['format']): string {
  return format === 'bundle'
    ? defaultBundleName(startedAt)
    : defaultTraceName(startedAt, format === 'ndjson.gz');
}

function currentOrThrow(service: LabService): { header: TraceHeader; records: readonly TraceRecord[] } {
  const trace = service.currentTrace();
  if (!trace) throw serviceError('NO_LAB', 'There is no trace yet: start the lab or run a scenario first.');
  return trace;
}

type Records = Iterable<TraceRecord> | AsyncIterable<TraceRecord>;

/**
 * All records of the service's `trace` for an export: when its recorder's ring dropped the
 * oldest, they are streamed from the journal (see `TraceRecorder.allRecords`), else the records held.
 */
async function exportRecords(
  service: LabService,
  trace: { header: TraceHeader; records: readonly TraceRecord[] },
): Promise<Records> {
  const recorder = service.currentRecorder();
  return recorder?.header === trace.header ? (await recorder.allRecords()).records : trace.records;
}

/** {@link exportRecords} as one array (the bundle is built in memory). */
async function exportRecordArray(
  service: LabService,
  trace: { header: TraceHeader; records: readonly TraceRecord[] },
): Promise<readonly TraceRecord[]> {
  const records = await exportRecords(service, trace);
  if (Array.isArray(records)) return records as readonly TraceRecord[];
  const out: TraceRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

/**
 * Writes the current (or last) trace to `path` as `options.format`: a support bundle with
 * report.html (redacted unless `redact` is false), or the bare trace, gzipped for `ndjson.gz`.
 */
export async function exportSupport(
  service: LabService,
  path: string,
  options: ExportOptions,
): Promise<{ path: string; bytes: number }> {
  const trace = currentOrThrow(service);
  if (options.format !== 'bundle')
    return writeTrace(path, trace.header, await exportRecords(service, trace), {
      gzip: options.format === 'ndjson.gz',
    });
  const written = await writeBundle(path, {
    header: trace.header,
    records: await exportRecordArray(service, trace),
    options: { redact: options.redact, pseudonymizeIds: options.pseudonymizeIds },
    renderReport: (h, r) => renderReport(h, r),
    extraFiles: chartFiles(options.charts ?? []),
  });
  return { path: written.path, bytes: written.bytes };
}

/**
 * The support bundle of the current (or last) trace as base64, for a browser download; `charts`
 * (already checked by the contract) become `charts/<name>.png`, checked again once decoded.
 */
export async function exportBundleBase64(
  service: LabService,
  options: Pick<ExportOptions, 'redact' | 'pseudonymizeIds'> & { charts?: readonly ChartImage[] },
  maxBytes = MAX_TRANSFER_BYTES,
): Promise<InvokeResponse<'trace:export-bundle'>> {
  const trace = currentOrThrow(service);
  const zip = await exportBundle({
    header: trace.header,
    records: await exportRecordArray(service, trace),
    options: { redact: options.redact, pseudonymizeIds: options.pseudonymizeIds },
    renderReport: (h, r) => renderReport(h, r),
    extraFiles: chartFiles(options.charts ?? []),
  });
  if (zip.length > maxBytes)
    throw serviceError(
      'TOO_LARGE',
      `The bundle is ${zip.length} bytes, over the ${maxBytes}-byte download limit: export it from the desktop app or the CLI (faultline export).`,
    );
  return {
    name: defaultBundleName(trace.header.startedAt),
    base64: Buffer.from(zip.buffer, zip.byteOffset, zip.length).toString('base64'),
    bytes: zip.length,
  };
}

/** The bundle members of chart images: `charts/<name>.png`; BAD_CHART for one that is not a PNG. */
export function chartFiles(charts: readonly ChartImage[]): Array<{ name: string; data: Uint8Array }> {
  if (charts.length > MAX_BUNDLE_CHARTS)
    throw badChart(`A bundle may carry at most ${MAX_BUNDLE_CHARTS} chart images.`);
  const seen = new Set<string>();
  return charts.map((chart) => {
    if (!/^[a-z0-9-]{1,40}$/.test(chart.name) || seen.has(chart.name))
      throw badChart(`"${chart.name.slice(0, 40)}" is not a valid (unique) chart name.`);
    seen.add(chart.name);
    const data = Buffer.from(chart.pngBase64, 'base64');
    if (data.length > MAX_CHART_PNG_BYTES)
      throw badChart(`The ${chart.name} chart image is over ${MAX_CHART_PNG_BYTES} bytes.`);
    if (data.length < PNG_SIGNATURE.length || !PNG_SIGNATURE.every((b, i) => data[i] === b))
      throw badChart(`The ${chart.name} chart image is not a PNG.`);
    return {
      name: `charts/${chart.name}.png`,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  });
}

/**
 * Opens any support file (bundle, trace, webrtc-internals or rtcstats dump; from a path or
 * bytes) into the `trace:opened` payload, in the opening worker (`openSupportFileInWorker`), so
 * the lab's thread keeps running and a file too large for memory is refused (`OUT_OF_MEMORY`).
 * Rejects with the typed {@link SupportOpenError} (its `code` crosses the boundary as the IpcError code).
 */
export async function openSupport(
  input: string | Uint8Array,
  name: string,
  maxBytes?: number,
  control: OpenControl = {},
): Promise<EventPayload<'trace:opened'>> {
  const opened = await openSupportFileInWorker(input, {
    ...control,
    ...(maxBytes === undefined ? {} : { maxBytes }),
  });
  return {
    name: basename(name),
    kind: opened.kind,
    header: opened.header,
    records: opened.records,
    truncated: opened.truncated,
    warnings: opened.warnings,
  };
}

/** `trace:open-bytes`: decodes the base64 upload (bounded) and opens it with {@link openSupport}. */
export async function openSupportBase64(
  name: string,
  base64: string,
  maxBytes = MAX_TRANSFER_BYTES,
  control: OpenControl = {},
): Promise<EventPayload<'trace:opened'>> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64))
    throw new SupportOpenError(
      'UNREADABLE',
      `${name} did not arrive intact (not base64): pick the file again.`,
    );
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > maxBytes)
    throw new SupportOpenError(
      'TOO_LARGE',
      `${name} is larger than the ${maxBytes}-byte upload limit: open it in the desktop app or with the CLI.`,
    );
  return openSupport(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), name, maxBytes, control);
}

/** Writes the service's current (or last) trace to `path`; NO_LAB when there is none yet. */
export async function exportTrace(
  service: LabService,
  path: string,
  gzip?: boolean,
): Promise<{ path: string; bytes: number }> {
  const trace = service.currentTrace();
  if (!trace) throw serviceError('NO_LAB', 'There is no trace yet: start the lab or run a scenario first.');
  return writeTrace(
    path,
    trace.header,
    await exportRecords(service, trace),
    gzip === undefined ? {} : { gzip },
  );
}

/** Reads a trace file into the `trace:opened` payload; unreadable files become BAD_TRACE. */
export async function openTrace(path: string): Promise<EventPayload<'trace:opened'>> {
  try {
    const result = await readTrace(path);
    return {
      name: basename(path),
      header: result.header,
      records: result.records,
      truncated: result.truncated,
      warnings: result.warnings,
    };
  } catch (error) {
    if (error instanceof TraceReadError) throw serviceError('BAD_TRACE', error.message);
    throw error;
  }
}
