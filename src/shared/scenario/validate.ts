/**
 * Turns scenario validation failures into messages a person can act on: which step, which
 * field, what was wrong ("steps[3] (fault) › fault.pct: must be at most 100").
 */
import type { z } from 'zod';
import { ScenarioSchema, type Scenario } from './schema';
import { CodedError } from '../errors';

/** A scenario that failed validation; `problems` lists one line per issue. */
export class ScenarioError extends CodedError<'INVALID_SCENARIO'> {
  override readonly name = 'ScenarioError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super('INVALID_SCENARIO', `${source}: invalid scenario\n  - ${problems.join('\n  - ')}`);
  }
}

function describePath(input: unknown, path: readonly PropertyKey[]): string {
  const [head, index, ...rest] = path;
  if ((head === 'steps' || head === 'expect') && typeof index === 'number') {
    const item = (input as Record<string, unknown[]> | null)?.[head]?.[index] as
      Record<string, unknown> | undefined;
    const label = head === 'steps' && typeof item?.['do'] === 'string' ? ` (${item['do']})` : '';
    const tail = rest.length ? ` › ${rest.map(String).join('.')}` : '';
    return `${head}[${index}]${label}${tail}`;
  }
  return path.length ? path.map(String).join('.') : '(top level)';
}

/** One readable line per zod issue, naming the step and field. */
export function describeIssues(input: unknown, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${describePath(input, issue.path)}: ${issue.message}`);
}

/**
 * Parses a scenario from unknown JSON (already parsed) and throws {@link ScenarioError} with
 * every problem listed when it is invalid.
 */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (!result.success) throw new ScenarioError(source, describeIssues(input, result.error));
  return result.data;
}

/** Parses scenario JSON text; a JSON syntax error is reported as such, with the source name. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(source, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseScenario(json, source);
}
