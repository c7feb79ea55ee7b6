/** Option parsers shared by CLI commands: each rejects bad input with a specific message. */
import { InvalidArgumentError } from 'commander';
import { ENGINE_NAMES, isEngineName, type EngineName } from '../../shared/model/engines';

/** A positive number such as a time scale (0.1 runs ten times faster). */
export function parseTimeScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100)
    throw new InvalidArgumentError('expected a number in (0, 100], e.g. 0.1');
  return n;
}

/** A TCP port (0 = pick a free one). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0–65535');
  return n;
}

/** The WebRTC engine of the lab's clients. */
export function parseEngine(value: string): EngineName {
  if (!isEngineName(value)) throw new InvalidArgumentError(`expected ${ENGINE_NAMES.join(', ')}`);
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** A size in bytes: `65536`, `64MiB`, `500MB`, `2GiB` (decimal and binary units, any case). */
export function parseByteSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError('expected a size such as 65536, 64MiB or 2GB');
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 4096 || !Number.isSafeInteger(bytes))
    throw new InvalidArgumentError('expected a size of at least 4096 bytes (4KiB)');
  return bytes;
}
