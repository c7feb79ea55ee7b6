import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScenarios, loadScenario, MAX_SCENARIO_BYTES } from '../../../src/lab/scenario/library';
import { ScenarioError, parseScenario } from '../../../src/shared';

const minimal = {
  name: 'x',
  participants: [{ uid: 1 }],
  steps: [
    { at: 0, do: 'join', uid: 1 },
    { at: 10, do: 'end' },
  ],
};

describe('built-in scenario library', () => {
  it('holds the seed timelines and the common fault shapes, all valid', () => {
    const names = builtinScenarios().map((s) => s.name);
    expect(names).toEqual([
      'seed-ng',
      'seed-legacy',
      'short-drop',
      'medium-drop',
      'lossy-uplink',
      'high-latency',
      'server-restart',
      'token-expiry',
      'same-uid-login',
      'network-switch',
      'turn-udp-fallback',
      'turn-tcp-fallback',
    ]);
  });

  it('replays the seeds: a drop longer than 20 s with the 10 s and 20 s expectations', () => {
    for (const name of ['seed-ng', 'seed-legacy']) {
      const s = builtinScenarios().find((x) => x.name === name)!;
      const fault = s.steps.find((st) => st.do === 'fault');
      expect(fault && fault.do === 'fault' && fault.forMs).toBeGreaterThan(20_000);
      const events = s.expect.map((e) => e.event ?? e.state);
      expect(events).toEqual(
        expect.arrayContaining(['user-unpublished', 'user-left', 'user-joined', 'RECONNECTING']),
      );
    }
    expect(builtinScenarios().find((x) => x.name === 'seed-legacy')!.profile).toBe('legacy');
  });
});

describe('loading scenario files', () => {
  async function file(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-scn-'));
    const path = join(dir, 's.json');
    await writeFile(path, content);
    return path;
  }

  it('loads a built-in by name and a valid file by path', async () => {
    expect((await loadScenario('seed-ng')).name).toBe('seed-ng');
    expect((await loadScenario(await file(JSON.stringify(minimal)))).steps).toHaveLength(2);
  });

  it('names the built-ins when neither a file nor a built-in matches', async () => {
    await expect(loadScenario('no-such-thing')).rejects.toThrow(/built-ins: seed-ng, seed-legacy/);
  });

  it('reports invalid JSON as such', async () => {
    await expect(loadScenario(await file('{"name": '))).rejects.toThrow(/not valid JSON/);
  });

  it('refuses oversized files before reading them', async () => {
    const path = await file(' '.repeat(MAX_SCENARIO_BYTES + 1));
    await expect(loadScenario(path)).rejects.toThrow(/limited to/);
  });

  it('names the step and the field of each problem', () => {
    const bad = {
      ...minimal,
      steps: [
        { at: 0, do: 'join', uid: 1 },
        { at: 5, do: 'fault', uid: 1, fault: { kind: 'loss', pct: 250 } },
        { at: 1, do: 'join', uid: 7 },
      ],
    };
    let error: ScenarioError | undefined;
    try {
      parseScenario(bad, 'bad.json');
    } catch (e) {
      error = e as ScenarioError;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/steps\[1\] \(fault\) › fault\.pct/);
    expect(text).toMatch(/step 2 \(join\) names uid 7, which is not a participant/);
    expect(text).toMatch(/step 2 \(join\) at 1 ms comes before the step above it/);
  });

  it('refuses an expectation that points at a fault the scenario does not have', () => {
    expect(() =>
      parseScenario({
        ...minimal,
        expect: [{ uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [0, 1] }],
      }),
    ).toThrow(/refers to fault 0, but the scenario has 0 fault step/);
  });

  it('refuses an expectation that names neither an event nor a state, or a reversed window', () => {
    expect(() => parseScenario({ ...minimal, expect: [{ withinMs: [0, 1] }] })).toThrow(
      /either a peer `event`/,
    );
    expect(() =>
      parseScenario({ ...minimal, expect: [{ uid: 1, state: 'CONNECTED', withinMs: [5, 1] }] }),
    ).toThrow(/\[low, high\]/);
  });
});
