/** Export and open of trace files (what File → Export/Open trace… run after their dialogs). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { eventContract } from '../../../src/shared/ipc';
import { LabService } from '../../../src/app/services/lab-service';
import { defaultTraceName, exportTrace, openTrace } from '../../../src/app/services/trace-files';

let service: LabService | undefined;
afterEach(async () => {
  await service?.dispose();
  service = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'faultline-files-'));

describe('trace files', () => {
  it('exports the last trace (gzip) and opens it back as a trace:opened payload', async () => {
    service = new LabService({ mode: 'electron' });
    await expect(exportTrace(service, join(dir, 'none.ndjson'))).rejects.toMatchObject({ code: 'NO_LAB' });
    await service.start({
      server: { kind: 'embedded' },
      engine: 'wrtc',
      channel: 'files',
      timing: { timeScale: 0.1 },
      participants: [],
    });
    const { seq } = service.addMark({ label: 'exported mark' });
    await service.stop();
    const path = join(dir, defaultTraceName(service.currentTrace()?.header.startedAt, true));
    expect(path).toMatch(/faultline-\d{4}-\d\d-\d\dT[\d-]+\.ndjson\.gz$/);
    const written = await exportTrace(service, path);
    expect(written.bytes).toBeGreaterThan(0);
    expect(gunzipSync(readFileSync(path)).toString().split('\n')[0]).toContain('"format":"faultline-trace"');

    const opened = await openTrace(path);
    eventContract['trace:opened'].parse(opened);
    expect(opened.name).toBe(path.split('/').at(-1));
    expect(opened.truncated).toBe(false);
    expect(opened.records.find((r) => r.seq === seq)).toMatchObject({ type: 'mark', label: 'exported mark' });
    expect(opened.records.length).toBe(service.snapshot().records.length);
  });

  it('answers BAD_TRACE for a file that is not a trace', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'hello\n');
    await expect(openTrace(path)).rejects.toMatchObject({ code: 'BAD_TRACE' });
  });
});
