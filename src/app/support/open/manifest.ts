/**
 * The manifest of a support bundle (`manifest.json`, format "faultline-bundle"): checked before
 * anything else is trusted. Files may be listed as an array of `{name|path, sha256, size}` or as
 * an object `{ [name]: {sha256, size} }`; unknown fields are kept.
 */
import { z } from 'zod';
import { SupportOpenError } from '../../../shared/support/import/errors';
import { MAX_ZIP_ENTRIES } from './zip';

/** The `format` of every bundle manifest. */
export const BUNDLE_FORMAT = 'faultline-bundle';
/** The newest bundle version this code reads. */
export const BUNDLE_VERSION = 1;

const FileSchema = z.looseObject({
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/),
  size: z.number().int().nonnegative(),
});
const FilesSchema = z.union([
  z.array(FileSchema.extend({ name: z.string().optional(), path: z.string().optional() })),
  z.record(z.string(), FileSchema),
]);

/** One file the manifest vouches for. */
export interface ManifestFile {
  name: string;
  sha256: string;
  size: number;
}

/** A checked manifest: the raw object plus its normalized file list. */
export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  files: ManifestFile[];
  /** The whole manifest as read (app version, createdAt, redaction summary…). */
  raw: Record<string, unknown>;
}

/**
 * Parses `manifest.json`. Throws `WRONG_FORMAT` (not a Faultline bundle), `NEWER_VERSION`, or
 * `CORRUPT_BUNDLE` naming manifest.json when it is not valid.
 */
export function parseManifest(bytes: Uint8Array): BundleManifest {
  const bad = (why: string): SupportOpenError =>
    new SupportOpenError('CORRUPT_BUNDLE', `manifest.json of this bundle is invalid: ${why}.`, {
      file: 'manifest.json',
    });
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not a JSON object');
  const raw = value as Record<string, unknown>;
  if (raw.format !== BUNDLE_FORMAT) {
    throw new SupportOpenError(
      'WRONG_FORMAT',
      `This zip is not a Faultline support bundle (manifest format ${JSON.stringify(raw.format ?? null)?.slice(0, 60)}).`,
    );
  }
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1)
    throw bad('no valid "version"');
  if (raw.version > BUNDLE_VERSION) {
    throw new SupportOpenError(
      'NEWER_VERSION',
      `This bundle has version ${raw.version}, made by a newer Faultline; this version reads bundle version ${BUNDLE_VERSION}. Update Faultline to open it.`,
    );
  }
  const files = FilesSchema.safeParse(raw.files);
  if (!files.success) throw bad('its "files" list is missing or malformed');
  const list: ManifestFile[] = Array.isArray(files.data)
    ? files.data.map((f) => ({ name: f.name ?? f.path ?? '', sha256: f.sha256.toLowerCase(), size: f.size }))
    : Object.entries(files.data).map(([name, f]) => ({ name, sha256: f.sha256.toLowerCase(), size: f.size }));
  if (list.some((f) => f.name === '')) throw bad('a file has no name');
  // Each member once, and no more listings than a zip may hold: a manifest must not make the
  // opener inflate one member again and again.
  if (list.length > MAX_ZIP_ENTRIES)
    throw bad(`it lists ${list.length} files; a bundle holds at most ${MAX_ZIP_ENTRIES}`);
  const seen = new Set<string>();
  for (const f of list) {
    if (seen.has(f.name)) throw bad(`it lists "${f.name.slice(0, 120)}" more than once`);
    seen.add(f.name);
  }
  return { format: BUNDLE_FORMAT, version: raw.version, files: list, raw };
}
