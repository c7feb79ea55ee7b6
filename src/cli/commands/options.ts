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
