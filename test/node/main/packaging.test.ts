/**
 * Packaging: the electron-builder config says what the brief asks, and an `electron-vite build`
 * (into a temporary folder, so other work using out/ is undisturbed) lays out what the app and
 * the entry lookups expect: main/index.js, main/lab-host.js, main/server.js, main/open-worker.js,
 * a CommonJS preload, the renderer. The built lab host then runs a lab whose channel server is the built one (the
 * folder sits under node_modules so the bundles' external imports resolve as in the app).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { resolveServerEntry } from '../../../src/lab/server/resolve-entry';
import { LabHostClient, resolveLabHostEntry } from '../../../src/app/lab-host';
import { forkLauncher } from '../../../src/lab/child';
import { resolveOpenWorkerEntry } from '../../../src/app/support/open/worker-entry';
import type { OpenWorkerMessage } from '../../../src/app/support/open/worker-protocol';
import { Worker } from 'node:worker_threads';

const root = join(import.meta.dirname, '../../..');
// js-yaml comes with electron-builder (which reads this very file with it); it ships no types.
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

describe('electron-builder config', () => {
  const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

  it('names the app, takes the version from package.json, and has an icon', () => {
    expect(config).toMatchObject({
      appId: expect.stringMatching(/^[a-z]+(\.[a-z]+)+$/),
      productName: 'Faultline',
    });
    expect(config).not.toHaveProperty('version');
    expect(config['extraMetadata']).toBeUndefined();
    expect(pkg['version']).toMatch(/^\d+\.\d+\.\d+/);
    const icon = readFileSync(join(root, String(config['icon'])));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('targets AppImage + deb, dmg and nsis', () => {
    expect((config['linux'] as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect(config['mac']).toMatchObject({ target: 'dmg' });
    expect(config['win']).toMatchObject({ target: 'nsis' });
  });

  it('ships out/** and package.json, with the native WebRTC addon unpacked from the asar', () => {
    expect(config['files']).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config['asar']).toBe(true);
    expect(config['asarUnpack']).toEqual(expect.arrayContaining(['node_modules/@roamhq/**']));
    expect(pkg['main']).toBe('out/main/index.js');
    expect((pkg['scripts'] as Record<string, string>)['dist']).toMatch(
      /electron-vite build && electron-builder/,
    );
  });
});

describe('electron-vite build output', () => {
  let out = '';
  beforeAll(() => {
    out = join(mkdtempSync(join(root, 'node_modules', '.faultline-build-')), 'out');
    const build = spawnSync(
      join(root, 'node_modules/.bin/electron-vite'),
      ['build', '--outDir', out, '--logLevel', 'error'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
  }, 150_000);
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('has the main bundle and the channel server next to it (resolveServerEntry finds it)', () => {
    expect(existsSync(join(out, 'main/index.js'))).toBe(true);
    expect(existsSync(join(out, 'main/server.js'))).toBe(true);
    expect(resolveServerEntry(join(out, 'main'))).toEqual({
      entry: join(out, 'main/server.js'),
      execArgv: [],
    });
  });

  it('has the lab host next to it, and the built host runs a lab on the built channel server', async () => {
    const entry = resolveLabHostEntry(join(out, 'main'));
    expect(entry).toEqual({ entry: join(out, 'main/lab-host.js'), execArgv: [] });
    const started: string[] = [];
    const client = await LabHostClient.start({
      launcher: forkLauncher,
      entry,
      host: { mode: 'electron', journalDir: null, remoteChildren: true },
      childLauncher: (options) => {
        started.push(options.entry);
        return forkLauncher(options);
      },
      log: () => undefined,
    });
    try {
      const envelope = await client.dispatch('lab:start', {
        server: { kind: 'embedded' },
        participants: [{ uid: 1 }],
      });
      expect(envelope).toMatchObject({ ok: true, value: { running: true, server: { up: true } } });
      expect(started).toEqual([join(out, 'main/server.js')]);
    } finally {
      expect(await client.dispose()).toMatchObject({ clean: true });
    }
  }, 60_000);

  it('has the open worker beside the bundle, and the built worker opens a browser dump', async () => {
    // The opener's code sits in a shared chunk: the lookup goes one folder up from there.
    expect(resolveOpenWorkerEntry(join(out, 'main', 'chunks'))).toEqual({
      kind: 'built',
      file: join(out, 'main/open-worker.js'),
    });
    const worker = new Worker(join(out, 'main/open-worker.js'), {
      workerData: { input: join(root, 'test/fixtures/imports/webrtc-internals-chromium156.json.gz') },
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    let records = 0;
    const done = await new Promise<OpenWorkerMessage>((resolve, reject) => {
      worker.on('message', (message: OpenWorkerMessage) => {
        if (message.type === 'records') records += message.records.length;
        if (message.type === 'done' || message.type === 'error') resolve(message);
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    expect(done).toMatchObject({ type: 'done', kind: 'webrtc-internals' });
    expect(records).toBeGreaterThan(50);
  });

  it('has CommonJS preloads that require nothing but electron (a sandboxed preload must)', () => {
    // The dashboard's, and the hidden browser-participant windows' one-function preload.
    expect(readdirSync(join(out, 'preload')).sort()).toEqual(['index.cjs', 'participant.cjs']);
    for (const file of ['index.cjs', 'participant.cjs']) {
      const preload = readFileSync(join(out, 'preload', file), 'utf8');
      expect(preload).toMatch(/^"use strict";/);
      expect(preload).not.toMatch(/^\s*(import|export)\s/m);
      expect(new Set(preload.match(/require\("[^"]+"\)/g))).toEqual(new Set(['require("electron")']));
    }
    expect(readFileSync(join(out, 'preload/index.cjs'), 'utf8')).toContain('exposeInMainWorld("faultline"');
  });

  it('has the renderer page and its assets, with a CSP and no unsafe-eval', () => {
    const html = readFileSync(join(out, 'renderer/index.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toContain('unsafe-eval');
    const assets = readdirSync(join(out, 'renderer/assets'));
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const ref of html.match(/(?:src|href)="\.\/assets\/[^"]+"/g) ?? []) {
      expect(existsSync(join(out, 'renderer', ref.split('"')[1]!))).toBe(true);
    }
  });

  it('points the window at the built preload path', () => {
    const main = readFileSync(join(out, 'main/index.js'), 'utf8');
    expect(main).toContain('../preload/index.cjs');
    expect(main).toContain('../renderer/index.html');
  });
});
