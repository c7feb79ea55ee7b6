/**
 * The desktop's Open dialog path with progress and cancel: `trace:open` with a requestId over
 * the real dispatcher and OpenUploads, a fake TraceDialogs whose only fake part is the dialog
 * (it "chooses" a real 200,000-record trace file and opens it with the real opener), and
 * OpenUploads.dispose removing a pending upload's temp files.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../src/shared/ipc';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { createDispatcher, createHandlers, type TraceDialogs } from '../../../src/app/ipc/handlers';
import { openChosenFile } from '../../../src/app/services/picker-dialogs';
import { ServiceEvents } from '../../../src/app/services/events';
import { OpenUploads } from '../../../src/app/services/open-uploads';
import type { LabService } from '../../../src/app/services/lab-service';

const RECORDS = 200_000;
const header = {
  format: 'faultline-trace',
  version: 1,
  startedAt: '2026-02-03T04:05:06.000Z',
  timeScale: 1,
  app: { name: 'faultline', version: '0.1.0' },
  env: {},
  config: {},
  scenario: null,
} as TraceHeader;

let dir: string;
let tracePath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-native-open-'));
  tracePath = join(dir, 'big.ndjson');
  const records = Array.from(
    { length: RECORDS },
    (_, i) => ({ seq: i + 1, t: i, uid: null, type: 'mark', label: `mark ${i}` }) as TraceRecord,
  );
  writeFileSync(tracePath, serializeTrace(header, records));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The handlers over a service stand-in (events only), real OpenUploads, and a dialog that picks `choose()`. */
function setup(choose: () => string | null = () => tracePath) {
  const service = { events: new ServiceEvents() } as unknown as LabService;
  const uploads = new OpenUploads({ events: service.events, tempDir: dir });
  const dialogs: TraceDialogs = {
    exportTrace: () => Promise.reject(new Error('not in this test')),
    async openTrace(control) {
      const path = choose();
      if (path === null) return false;
      await openChosenFile(service.events, path, control);
      return true;
    },
  };
  const dispatch = createDispatcher(createHandlers(service, dialogs, uploads));
  const progress: Array<EventPayload<'trace:open-progress'>> = [];
  const opened: Array<EventPayload<'trace:opened'>> = [];
  service.events.on('trace:open-progress', (p) => progress.push(p));
  service.events.on('trace:opened', (o) => opened.push(o));
  return { service, uploads, dispatch, progress, opened };
}

describe('trace:open (native dialog) with progress and cancel', () => {
  it('reports progress for its requestId and sends the opened trace', async () => {
    const { dispatch, progress, opened, uploads } = setup();
    expect(await dispatch('trace:open', { requestId: 'native-1' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ name: 'big.ndjson', kind: 'trace', truncated: false });
    expect(opened[0]!.records).toHaveLength(RECORDS);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.requestId === 'native-1')).toBe(true);
    expect(progress.some((p) => p.phase === 'parsing' && p.fraction > 0 && p.fraction < 1)).toBe(true);
    // The id is free again once the open ended.
    expect(await dispatch('trace:open-cancel', { requestId: 'native-1' })).toMatchObject({
      value: { cancelled: false },
    });
    await uploads.dispose();
  });

  it('cancel during the parse answers ABORTED and sends nothing', async () => {
    const { service, dispatch, opened, uploads } = setup();
    let cancelled: Promise<unknown> | null = null;
    service.events.on('trace:open-progress', (p) => {
      if (p.phase === 'parsing' && p.fraction < 0.9 && !cancelled)
        cancelled = dispatch('trace:open-cancel', { requestId: 'native-2' });
    });
    const answer = await dispatch('trace:open', { requestId: 'native-2' });
    expect(cancelled).not.toBeNull();
    expect(await cancelled).toMatchObject({ ok: true, value: { cancelled: true } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(opened).toHaveLength(0);
    await uploads.dispose();
  });

  it('a dismissed dialog answers opened: false; without a requestId there is no progress', async () => {
    let path: string | null = null;
    const { dispatch, progress, opened, uploads } = setup(() => path);
    expect(await dispatch('trace:open', { requestId: 'native-3' })).toEqual({
      ok: true,
      value: { opened: false },
    });
    path = tracePath;
    expect(await dispatch('trace:open', {})).toEqual({ ok: true, value: { opened: true } });
    expect(progress).toHaveLength(0);
    expect(opened).toHaveLength(1);
    expect(await dispatch('trace:open', { requestId: 'bad id!' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await uploads.dispose();
  });
});

describe('OpenUploads.dispose', () => {
  it("removes a pending upload's temp dir and refuses its next piece", async () => {
    const { dispatch, uploads } = setup();
    const before = readdirSync(dir).filter((f) => f.startsWith('faultline-upload-'));
    expect(before).toHaveLength(0);
    const base64 = Buffer.from('{"format":"faultline-trace"').toString('base64');
    expect(
      await dispatch('trace:open-chunk', { requestId: 'u1', offset: 0, totalBytes: 1000, base64 }),
    ).toMatchObject({ ok: true });
    expect(readdirSync(dir).filter((f) => f.startsWith('faultline-upload-'))).toHaveLength(1);
    expect(uploads.pending).toBe(1);
    await uploads.dispose();
    expect(uploads.pending).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('faultline-upload-'))).toHaveLength(0);
    expect(
      await dispatch('trace:open-chunk', { requestId: 'u1', offset: 27, totalBytes: 1000, base64 }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
