/**
 * The import law (scripts/eslint/import-boundaries.js) as the repository's own ESLint config
 * applies it: each case lints a probe file at a path inside `src/` and reads which messages fire.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The boundary messages ESLint reports for `code` placed at `path` (relative to the root). */
async function boundaryMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'house/import-boundaries').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    [
      'src/renderer/src/probe.ts',
      "import { Lab } from '../../lab';",
      'src/renderer may not import from src/lab',
    ],
    [
      'src/renderer/src/probe.ts',
      "import { x } from '../../main/menu';",
      'src/renderer may not import from src/main',
    ],
    ['src/preload/probe.ts', "import { x } from '../app';", 'src/preload may not import from src/app'],
    ['src/shared/probe.ts', "import { x } from '../lab';", 'src/shared may not import from src/lab'],
    [
      'src/shared/view/probe.ts',
      "export { x } from '../../renderer/src/stores';",
      'src/shared may not import from src/renderer',
    ],
    ['src/lab/probe.ts', "import { x } from '../app';", 'src/lab may not import from src/app'],
    ['src/app/probe.ts', "import { x } from '../web/server';", 'src/app may not import from src/web'],
    ['src/cli/probe.ts', "import { x } from '../main/menu';", 'src/cli may not import from src/main'],
    ['src/web/probe.ts', "const m = import('../cli/main');", 'src/web may not import from src/cli'],
  ])('%s: %s is refused', async (path, code, message) => {
    const messages = await boundaryMessages(path, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it.each([
    ['src/cli/probe.ts', "import { Lab } from '../lab/lab';", 'src/lab/lab'],
    [
      'src/web/probe.ts',
      "import { LabService } from '../app/services/lab-service';",
      'src/app/services/lab-service',
    ],
    ['src/main/probe.ts', "export * from '../lab/trace/reader';", 'src/lab/trace/reader'],
  ])('%s: %s must go through the door', async (path, code, target) => {
    const messages = await boundaryMessages(path, code);
    expect(messages).toEqual([
      `Import ${target.split('/')[1]} through its door (src/${target.split('/')[1]}/index.ts), not ${target}.`,
    ]);
  });

  it.each([
    ['src/cli/probe.ts', "import { Lab } from '../lab';\nimport { LabService } from '../app/index';"],
    ['src/main/probe.ts', "import { Lab } from '../lab/index.ts';\nimport { x } from './menu';"],
    [
      'src/lab/clients/probe.ts',
      "import { x } from '../trace/reader';\nimport { y } from '../../shared/model/states';",
    ],
    [
      'src/renderer/src/probe.ts',
      "import { x } from '../../shared/view/trace-index';\nimport { y } from './stores';",
    ],
    ['src/preload/probe.ts', "import { x } from '../shared/ipc';\nimport { ipcRenderer } from 'electron';"],
    ['test/node/probe.ts', "import { x } from '../../src/lab/lab';"],
  ])('%s may import %s', async (path, code) => {
    expect(await boundaryMessages(path, code)).toEqual([]);
  });
});
