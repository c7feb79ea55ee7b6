/**
 * Opens with progress and cancel over the dispatcher (chunked uploads to temp files, real trace
 * files and the real opener), and chart PNGs carried into a support bundle's manifest.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { invokeContract, type EventPayload } from '../../../src/shared/ipc';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { createDispatcher, createHandlers, exportOptions } from '../../../src/app/ipc/handlers';
import { ServiceEvents } from '../../../src/app/services/events';
import { OpenUploads } from '../../../src/app/services/open-uploads';
import type { LabService } from '../../../src/app/services/lab-service';
import { exportSupport, openSupport } from '../../../src/app/services/trace-files';

const header: TraceHeader = {
  format: 'faultline-trace',
  version: 1,
  startedAt: '2026-02-03T04:05:06.000Z',
  timeScale: 1,
  app: { name: 'faultline', version: '0.1.0' },
  env: {},
  config: {},
  scenario: null,
} as TraceHeader;

function marks(n: number): TraceRecord[] {
  return Array.from(
    { length: n },
    (_, i) =>
      ({ seq: i + 1, t: i, uid: null, type: 'mark', label: `mark ${i} ${'x'.repeat(60)}` }) as TraceRecord,
  );
}

/** Just what the handlers need of a service here: its events and a current trace. */
function serviceWith(records: TraceRecord[]): LabService {
  return {
    events: new ServiceEvents(),
    currentTrace: () => ({ header, records }),
    currentRecorder: () => null,
  } as unknown as LabService;
}

const CHUNK = 1024 * 1024;
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3,
]);

let uploads: OpenUploads | undefined;
afterEach(async () => {
  await uploads?.dispose();
  uploads = undefined;
});

function setup(records: TraceRecord[], maxConcurrent = 2) {
  const service = serviceWith(records);
  const tempDir = mkdtempSync(join(tmpdir(), 'faultline-uploads-test-'));
  uploads = new OpenUploads({ events: service.events, tempDir, maxConcurrent });
  const dispatch = createDispatcher(createHandlers(service, undefined, uploads));
  const progress: Array<EventPayload<'trace:open-progress'>> = [];
  service.events.on('trace:open-progress', (p) => progress.push(p));
  return { service, dispatch, progress, tempDir };
}

async function upload(
  dispatch: ReturnType<typeof setup>['dispatch'],
  requestId: string,
  bytes: Buffer,
): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    const answer = await dispatch('trace:open-chunk', {
      requestId,
      offset,
      totalBytes: bytes.length,
      base64: bytes.subarray(offset, offset + CHUNK).toString('base64'),
    });
    expect(answer).toMatchObject({ ok: true, value: { received: Math.min(bytes.length, offset + CHUNK) } });
  }
}

describe('opens with progress and cancel', () => {
  it('opens a file sent in chunks, reporting upload and parse progress, and removes the temp file', async () => {
    const records = marks(40_000);
    const { dispatch, progress, tempDir } = setup(records);
    const bytes = Buffer.from(serializeTrace(header, records));
    expect(bytes.length).toBeGreaterThan(3 * CHUNK);
    await upload(dispatch, 'r1', bytes);
    expect(readdirSync(tempDir)).toHaveLength(1);
    const opened = await dispatch('trace:open-upload', { requestId: 'r1', name: 'big.ndjson' });
    expect(opened).toMatchObject({ ok: true, value: { name: 'big.ndjson', kind: 'trace' } });
    invokeContract['trace:open-upload'].response.parse((opened as { value: unknown }).value);
    expect((opened as { value: { records: unknown[] } }).value.records).toHaveLength(records.length);
    expect(progress.every((p) => p.requestId === 'r1')).toBe(true);
    expect(progress.filter((p) => p.phase === 'uploading').at(-1)?.fraction).toBe(1);
    expect(progress.some((p) => p.phase === 'parsing')).toBe(true);
    expect(readdirSync(tempDir)).toHaveLength(0);
    expect(uploads!.pending).toBe(0);
  });

  it('cancel during the parse rejects with ABORTED; cancel during the upload drops it', async () => {
    const records = marks(40_000);
    const { service, dispatch, tempDir } = setup(records);
    const bytes = Buffer.from(serializeTrace(header, records));
    await upload(dispatch, 'r2', bytes);
    let cancelled: Promise<unknown> | null = null;
    service.events.on('trace:open-progress', (p) => {
      if (p.phase === 'parsing' && p.fraction < 0.9 && !cancelled)
        cancelled = dispatch('trace:open-cancel', { requestId: 'r2' });
    });
    const answer = await dispatch('trace:open-upload', { requestId: 'r2', name: 'big.ndjson' });
    expect(cancelled).not.toBeNull();
    expect(await cancelled).toMatchObject({ ok: true, value: { cancelled: true } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(readdirSync(tempDir)).toHaveLength(0);

    await dispatch('trace:open-chunk', {
      requestId: 'r3',
      offset: 0,
      totalBytes: bytes.length,
      base64: bytes.subarray(0, CHUNK).toString('base64'),
    });
    expect(await dispatch('trace:open-cancel', { requestId: 'r3' })).toMatchObject({
      ok: true,
      value: { cancelled: true },
    });
    expect(uploads!.pending).toBe(0);
    const late = await dispatch('trace:open-chunk', {
      requestId: 'r3',
      offset: CHUNK,
      totalBytes: bytes.length,
      base64: bytes.subarray(CHUNK, 2 * CHUNK).toString('base64'),
    });
    expect(late).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch('trace:open-cancel', { requestId: 'nothing' })).toMatchObject({
      value: { cancelled: false },
    });
  });

  it('open-bytes with a requestId reports progress and a cancelled signal answers ABORTED', async () => {
    const records = marks(200);
    const { dispatch, progress } = setup(records);
    const base64 = Buffer.from(serializeTrace(header, records)).toString('base64');
    const opened = await dispatch('trace:open-bytes', { name: 'small.ndjson', base64, requestId: 'b1' });
    expect(opened.ok).toBe(true);
    expect(progress.some((p) => p.requestId === 'b1')).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(
      openSupport(Buffer.from(base64, 'base64'), 'x.ndjson', undefined, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('bounds uploads: size, concurrency, order', async () => {
    const { dispatch } = setup([], 1);
    const piece = Buffer.from('{"format":').toString('base64');
    expect(
      await dispatch('trace:open-chunk', { requestId: 'big', offset: 0, totalBytes: 2 ** 30, base64: piece }),
    ).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(
      await dispatch('trace:open-chunk', { requestId: 'a', offset: 0, totalBytes: 100, base64: piece }),
    ).toMatchObject({ ok: true });
    expect(
      await dispatch('trace:open-chunk', { requestId: 'b', offset: 0, totalBytes: 100, base64: piece }),
    ).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(
      await dispatch('trace:open-chunk', { requestId: 'a', offset: 50, totalBytes: 100, base64: piece }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch('trace:open-upload', { requestId: 'a', name: 'a.ndjson' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});

describe('uploads sent at once', () => {
  const piece = Buffer.from('{"format":').toString('base64');
  const first = (requestId: string) => ({ requestId, offset: 0, totalBytes: 100, base64: piece });

  it('ten first pieces at once with a limit of two: two accepted, eight BUSY', async () => {
    const { dispatch } = setup([], 2);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => dispatch('trace:open-chunk', first(`u${i}`))),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    expect(answers.filter((a) => !a.ok && a.error.code === 'BUSY')).toHaveLength(8);
    expect(uploads!.pending).toBe(2);
  });

  it('the same first piece four times at once makes one temp file; every temp dir goes with dispose', async () => {
    const { dispatch, tempDir } = setup([], 2);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => dispatch('trace:open-chunk', first('same'))),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok && a.error.code === 'BAD_REQUEST')).toHaveLength(3);
    expect(readdirSync(tempDir)).toHaveLength(1);
    await uploads!.dispose();
    expect(readdirSync(tempDir)).toHaveLength(0);
  });
});

describe('chart images in a bundle', () => {
  it('writes charts/<name>.png listed with sha256 in the manifest, and the bundle opens back', async () => {
    const { dispatch } = setup(marks(10));
    const answer = await dispatch('trace:export-bundle', {
      charts: [
        { name: 'swimlanes', pngBase64: PNG.toString('base64') },
        { name: 'link-stats', pngBase64: PNG.toString('base64') },
      ],
    });
    expect(answer.ok).toBe(true);
    const zip = Buffer.from((answer as { value: { base64: string } }).value.base64, 'base64');
    const members = unzipSync(zip);
    expect(Buffer.from(members['charts/swimlanes.png']!)).toEqual(PNG);
    const manifest = JSON.parse(strFromU8(members['manifest.json']!)) as {
      files: Array<{ name: string; sha256: string; size: number }>;
    };
    const entry = manifest.files.find((f) => f.name === 'charts/link-stats.png');
    expect(entry).toEqual({
      name: 'charts/link-stats.png',
      size: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
    });
    const opened = await openSupport(new Uint8Array(zip), 'b.zip');
    expect(opened).toMatchObject({ kind: 'bundle', truncated: false });
    expect(opened.warnings.join(' ')).not.toMatch(/not in its manifest/);
  });

  it('refuses a bad name, a non-PNG, duplicates and too many with clear errors', async () => {
    const { dispatch } = setup(marks(3));
    const png = PNG.toString('base64');
    const bad = async (charts: unknown): Promise<{ code: string; message: string }> => {
      const answer = await dispatch('trace:export-bundle', { charts });
      expect(answer.ok).toBe(false);
      return (answer as { error: { code: string; message: string } }).error;
    };
    expect(await bad([{ name: '../evil', pngBase64: png }])).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/charts\.0\.name: a chart name is 1–40 lowercase/),
    });
    expect(await bad([{ name: 'x', pngBase64: Buffer.from('GIF89a....').toString('base64') }])).toMatchObject(
      {
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/not start with the PNG signature/),
      },
    );
    expect(
      await bad([
        { name: 'x', pngBase64: png },
        { name: 'x', pngBase64: png },
      ]),
    ).toMatchObject({
      message: expect.stringMatching(/unique/),
    });
    const many = Array.from({ length: 13 }, (_, i) => ({ name: `c${i}`, pngBase64: png }));
    expect(await bad(many)).toMatchObject({ message: expect.stringMatching(/at most 12/) });
  });
});

describe('chart images in a desktop export', () => {
  it('trace:export options carry charts into the bundle written to disk', async () => {
    const { service } = setup(marks(5));
    const options = exportOptions(
      invokeContract['trace:export'].request.parse({
        charts: [{ name: 'reconnects', pngBase64: PNG.toString('base64') }],
      }),
    );
    const path = join(mkdtempSync(join(tmpdir(), 'faultline-export-charts-')), 'b.zip');
    await exportSupport(service, path, options);
    const members = unzipSync(readFileSync(path));
    expect(Buffer.from(members['charts/reconnects.png']!)).toEqual(PNG);
  });
});
