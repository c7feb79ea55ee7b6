/**
 * The house's import law, as an ESLint rule (docs/ARCHITECTURE.md "Import rules").
 *
 * Every folder under `src/` is one runtime, and imports point one way:
 *
 *     shared ← lab ← app ← { main, web, cli }      renderer ← shared      preload ← shared
 *
 * A folder may import its own files and the folders the arrows lead to (an arrow is transitive:
 * `cli` may use `lab` as well as `app`). `lab` and `app` have one door each: from outside, only
 * their `index.ts` may be imported, so what they offer is listed in one place. Only relative
 * specifiers are checked; packages (`electron`, `node:*`) are the business of
 * `no-restricted-imports`. Files outside `src/` (tests, benches, scripts) are not constrained.
 */
import { dirname, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file sits in `scripts/eslint/`. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What each folder may import besides itself. */
export const ALLOWED = {
  shared: [],
  lab: ['shared'],
  app: ['shared', 'lab'],
  main: ['shared', 'lab', 'app'],
  web: ['shared', 'lab', 'app'],
  cli: ['shared', 'lab', 'app'],
  preload: ['shared'],
  renderer: ['shared'],
};

/** Folders that outsiders enter through `index.ts` only. */
export const DOORS = ['lab', 'app'];

/** `src/<folder>/…` → folder, or null for a path outside `src/`. */
function folderOf(repoPath) {
  const parts = repoPath.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : null;
}

/** An absolute path as a repository path with forward slashes. */
function repoPathOf(absolute) {
  return relative(ROOT, absolute).split(sep).join('/');
}

/** True when `target` (a repository path without extension) is the door of `folder`. */
function isDoor(target, folder) {
  const stem = target.replace(/\.(ts|js|mjs|vue)$/, '');
  return stem === `src/${folder}` || stem === `src/${folder}/index`;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the runtime folders (shared ← lab ← app ← main/web/cli).' },
    schema: [],
    messages: {
      direction:
        '{{from}} may not import from {{to}}: imports point shared ← lab ← app ← main/web/cli, renderer ← shared, preload ← shared.',
      door: 'Import {{to}} through its door (src/{{to}}/index.ts), not {{path}}.',
    },
  },
  create(context) {
    const importer = repoPathOf(context.filename);
    const from = folderOf(importer);
    if (!from || !(from in ALLOWED)) return {};
    const check = (node, source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const target = posix.normalize(posix.join(posix.dirname(importer), specifier));
      const to = folderOf(`${target}/`);
      if (!to || to === from) return;
      if (!ALLOWED[from].includes(to)) {
        context.report({
          node: source,
          messageId: 'direction',
          data: { from: `src/${from}`, to: `src/${to}` },
        });
        return;
      }
      if (DOORS.includes(to) && !isDoor(target, to))
        context.report({ node: source, messageId: 'door', data: { to, path: target } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

/** The local plugin that carries the rule. */
export default { rules: { 'import-boundaries': importBoundaries } };
