/**
 * Export and open meet: a bundle written by the exporter (src/app/support/bundle) opens with
 * every checksum verified and the same records, and a tampered member is named.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../../src/app/support/bundle';
import { renderReport } from '../../../src/app/support/report/render';
import { openSupportFile } from '../../../src/app/support/open';
import { sampleHeader, sampleRecords } from '../trace/sample';

describe('a bundle from the exporter', () => {
  it('opens with its manifest verified and the same records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-roundtrip-'));
    const path = join(dir, 'ticket.zip');
    const records = sampleRecords(500);
    await writeBundle(path, { header: sampleHeader(), records, renderReport: (h, r) => renderReport(h, r) });

    const opened = await openSupportFile(path);
    expect(opened.kind).toBe('bundle');
    expect(opened.records.map((r) => r.seq)).toEqual(records.map((r) => r.seq));
    expect(opened.manifest).toBeDefined();
    expect(opened.warnings).toEqual([]);

    const members = unzipSync(new Uint8Array(await readFile(path)));
    members['events.csv'] = new TextEncoder().encode('tampered\r\n');
    const tampered = join(dir, 'tampered.zip');
    await writeFile(tampered, zipSync(members));
    await expect(openSupportFile(tampered)).rejects.toMatchObject({
      code: 'CORRUPT_BUNDLE',
      file: 'events.csv',
    });
  });
});
