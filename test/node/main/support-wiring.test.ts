/** The support workflow over the service and the dispatcher: bundle export and open-anything, with real files. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventContract, invokeContract } from '../../../src/shared/ipc';
import { createDispatcher, createHandlers, exportOptions } from '../../../src/app/ipc/handlers';
import { LabService } from '../../../src/app/services/lab-service';
import {
  defaultExportName,
  exportBundleBase64,
  exportSupport,
  openSupport,
  openSupportBase64,
} from '../../../src/app/services/trace-files';

const dir = mkdtempSync(join(tmpdir(), 'faultline-support-wiring-'));
let service: LabService;

beforeAll(async () => {
  service = new LabService({ mode: 'browser' });
  await service.start({
    server: { kind: 'embedded' },
    engine: 'wrtc',
    channel: 'wiring',
    timing: { timeScale: 0.1 },
    participants: [],
  });
  service.addMark({ label: 'from 10.1.2.3' });
  await service.stop();
}, 60_000);
afterAll(async () => {
  await service?.dispose();
});

describe('support wiring', () => {
  it('trace:export defaults to a redacted bundle; the deprecated gzip flag still picks a bare trace', () => {
    const parsed = invokeContract['trace:export'].request.parse({});
    expect(exportOptions(parsed)).toEqual({ format: 'bundle', redact: true, pseudonymizeIds: false });
    expect(exportOptions(invokeContract['trace:export'].request.parse({ gzip: true })).format).toBe(
      'ndjson.gz',
    );
    expect(defaultExportName('2026-01-02T03:04:05.000Z', 'bundle')).toBe(
      'faultline-2026-01-02T03-04-05-000-support.zip',
    );
  });

  it('writes a bundle with report.html that opens back as kind bundle', async () => {
    const path = join(dir, 'one.zip');
    const written = await exportSupport(service, path, {
      format: 'bundle',
      redact: true,
      pseudonymizeIds: true,
    });
    expect(written.bytes).toBe(readFileSync(path).length);
    const members = unzipSync(readFileSync(path));
    expect(Object.keys(members)).toContain('report.html');
    expect(strFromU8(members['report.html']!)).toContain('<html');
    expect(strFromU8(gunzipSync(members['trace.ndjson.gz']!))).not.toContain('10.1.2.3');

    const opened = await openSupport(path, path);
    eventContract['trace:opened'].parse(opened);
    expect(opened).toMatchObject({ name: 'one.zip', kind: 'bundle', truncated: false });
    expect(opened.records.some((r) => r.type === 'mark')).toBe(true);
  });

  it('writes bare traces for ndjson and ndjson.gz, opened as kind trace', async () => {
    for (const format of ['ndjson', 'ndjson.gz'] as const) {
      const path = join(dir, `bare.${format}`);
      await exportSupport(service, path, { format, redact: true, pseudonymizeIds: false });
      const text =
        format === 'ndjson' ? readFileSync(path, 'utf8') : gunzipSync(readFileSync(path)).toString();
      expect(text).toContain('10.1.2.3');
      expect(await openSupport(path, path)).toMatchObject({ kind: 'trace', name: `bare.${format}` });
    }
  });

  it('browser mode: trace:export-bundle answers base64 that trace:open-bytes opens', async () => {
    const dispatch = createDispatcher(createHandlers(service));
    const exported = await dispatch('trace:export-bundle', {});
    expect(exported.ok).toBe(true);
    const value = (exported as { value: { name: string; base64: string; bytes: number } }).value;
    invokeContract['trace:export-bundle'].response.parse(value);
    expect(value.name).toMatch(/-support\.zip$/);
    expect(Buffer.from(value.base64, 'base64').length).toBe(value.bytes);

    const opened = await dispatch('trace:open-bytes', { name: value.name, base64: value.base64 });
    expect(opened).toMatchObject({ ok: true, value: { kind: 'bundle', name: value.name } });
    invokeContract['trace:open-bytes'].response.parse((opened as { value: unknown }).value);
  });

  it('answers typed codes for files that cannot be opened', async () => {
    const dispatch = createDispatcher(createHandlers(service));
    const garbage = Buffer.from('hello, this is not a trace\n').toString('base64');
    const bad = await dispatch('trace:open-bytes', { name: 'notes.txt', base64: garbage });
    expect(bad).toMatchObject({ ok: false, error: { name: 'SupportOpenError' } });
    expect((bad as { error: { code: string } }).error.code).toMatch(/WRONG_FORMAT|CORRUPT/);

    const zip = readFileSync(join(dir, 'one.zip'));
    const cut = zip.subarray(0, Math.floor(zip.length / 2)).toString('base64');
    const broken = await dispatch('trace:open-bytes', { name: 'cut.zip', base64: cut });
    expect(broken.ok).toBe(false);

    expect(await dispatch('trace:open-bytes', { name: 'x', base64: '!!!' })).toMatchObject({
      ok: false,
      error: { code: 'UNREADABLE' },
    });
    expect(await dispatch('trace:open-bytes', { name: 'x', base64: '' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await expect(openSupportBase64('big.zip', zip.toString('base64'), 100)).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    const path = join(dir, 'empty.ndjson');
    writeFileSync(path, '');
    await expect(openSupport(path, path)).rejects.toMatchObject({ code: 'EMPTY' });
  });

  it('caps the bundle download and needs a trace', async () => {
    await expect(
      exportBundleBase64(service, { redact: true, pseudonymizeIds: false }, 100),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    const fresh = new LabService({ mode: 'browser' });
    const answer = await createDispatcher(createHandlers(fresh))('trace:export-bundle', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'NO_LAB' } });
    await fresh.dispose();
  });
});
