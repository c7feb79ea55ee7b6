/**
 * Scenarios: the built-in list, a run's progress, and the verdict. The verdict is computed
 * here with the shared checker (`checkTrace`) over the trace store's header and records, so the
 * dashboard, the CLI and an opened trace all judge the same way.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import { checkTrace, type CheckReport } from '../../../shared/check';
import { diagnoseTrace, type Diagnosis } from '../../../shared/diagnose';
import type { EventPayload, InvokeResponse } from '../../../shared/ipc';
import type { Scenario } from '../../../shared/scenario/schema';
import type { ApiConnection } from '../api';
import { describeError } from './errors';
import { useTraceStore } from './trace';
import { useUiStore } from './ui';

/** One built-in scenario. */
export type ScenarioInfo = InvokeResponse<'scenario:list'>[number];

/** A run as the page shows it. */
export interface RunState {
  runId: string;
  scenario: string;
  step: number;
  steps: number;
  label: string;
  phase: 'starting' | 'running' | 'done';
  result: EventPayload<'scenario:done'> | null;
}

/** Traces larger than this are checked on request and when a run ends, not after every batch. */
export const AUTO_CHECK_MAX_RECORDS = 50_000;
/** Quiet time after the last batch before the live findings are recomputed. */
export const AUTO_CHECK_DELAY_MS = 1000;

/** See the file comment. */
export const useScenarioStore = defineStore('scenario', () => {
  const list = ref<ScenarioInfo[]>([]);
  const listLoading = ref(false);
  const run = shallowRef<RunState | null>(null);
  const report = shallowRef<CheckReport | null>(null);
  /** The diagnosis of the same trace, computed with the report (incidents, causes, verdict). */
  const diagnosis = shallowRef<Diagnosis | null>(null);
  /** Trace version the report was computed at. */
  const reportVersion = ref(-1);
  /** The trace (by its header) the report judged. */
  let reportHeader: unknown = null;
  const error = ref<string | null>(null);
  /** Whether the current run's time scale holds on this machine (said before its timeline starts). */
  const assessment = shallowRef<EventPayload<'scenario:assessment'> | null>(null);

  let connection: ApiConnection | null = null;
  let unsubscribe: Array<() => void> = [];
  let autoTimer: ReturnType<typeof setTimeout> | null = null;

  /** Judges the current trace (model, expectations, findings); null without a trace header. */
  function check(): CheckReport | null {
    const trace = useTraceStore();
    const ui = useUiStore();
    const header = trace.index.header;
    reportVersion.value = trace.version;
    reportHeader = header;
    if (!header) {
      report.value = null;
      diagnosis.value = null;
      return null;
    }
    diagnosis.value = diagnoseTrace({ header, records: trace.index.records });
    report.value = checkTrace(
      { header, records: trace.index.records },
      { profile: ui.vocabulary === 'legacy' ? 'legacy' : 'ng' },
    );
    return report.value;
  }

  function scheduleCheck(): void {
    if (autoTimer) clearTimeout(autoTimer);
    autoTimer = setTimeout(() => {
      autoTimer = null;
      // A run's expectations are judged when it ends: mid-run, the faults they are anchored on
      // may not have happened yet, and a quiet moment (the runner waiting for the machine to
      // settle) must not show a FAIL that says nothing.
      if (run.value && run.value.phase !== 'done') return;
      const trace = useTraceStore();
      if (trace.count <= AUTO_CHECK_MAX_RECORDS && trace.version !== reportVersion.value) check();
    }, AUTO_CHECK_DELAY_MS);
  }

  /** Fetches the built-in scenarios. */
  async function loadList(): Promise<void> {
    if (!connection) return;
    listLoading.value = true;
    try {
      list.value = await connection.api.invoke('scenario:list', {});
    } catch (e) {
      error.value = describeError('list the scenarios', e);
    } finally {
      listLoading.value = false;
    }
  }

  async function start(
    scenario: { name: string } | { inline: Scenario },
    name: string,
    timeScale?: number,
  ): Promise<string | undefined> {
    if (!connection) return undefined;
    error.value = null;
    assessment.value = null;
    const trace = useTraceStore();
    if (trace.source.kind === 'file') void trace.showLive();
    run.value = {
      runId: '',
      scenario: name,
      step: 0,
      steps: 0,
      label: 'starting',
      phase: 'starting',
      result: null,
    };
    try {
      const { runId } = await connection.api.invoke('scenario:run', {
        scenario,
        ...(timeScale !== undefined ? { timeScale } : {}),
      });
      if (run.value?.phase === 'starting') run.value = { ...run.value, runId, phase: 'running' };
      return runId;
    } catch (e) {
      run.value = null;
      error.value = describeError(`run ${name}`, e);
      return undefined;
    }
  }

  /** Runs a built-in scenario. */
  function runBuiltIn(name: string, timeScale?: number): Promise<string | undefined> {
    return start({ name }, name, timeScale);
  }

  /** Runs a scenario opened from a file (already validated). */
  function runInline(scenario: Scenario, timeScale?: number): Promise<string | undefined> {
    return start({ inline: scenario }, scenario.name, timeScale);
  }

  /** Cancels the run under way. */
  async function cancel(): Promise<void> {
    if (!connection) return;
    try {
      await connection.api.invoke('scenario:cancel', {});
    } catch (e) {
      error.value = describeError('cancel the run', e);
    }
  }

  function onProgress(p: EventPayload<'scenario:progress'>): void {
    const current = run.value;
    if (current && current.phase === 'done' && current.runId === p.runId) return;
    run.value = {
      runId: p.runId,
      scenario: current?.scenario ?? p.runId,
      step: p.step,
      steps: p.steps,
      label: p.label,
      phase: 'running',
      result: null,
    };
  }

  function onAssessment(a: EventPayload<'scenario:assessment'>): void {
    const current = run.value;
    if (current && current.runId !== '' && current.runId !== a.runId) return;
    assessment.value = a;
  }

  function onDone(d: EventPayload<'scenario:done'>): void {
    const current = run.value;
    run.value = {
      runId: d.runId,
      scenario: current?.scenario ?? d.runId,
      step: current?.steps ?? 0,
      steps: current?.steps ?? 0,
      label: d.aborted ? 'cancelled' : 'finished',
      phase: 'done',
      result: d,
    };
    if (d.errors.length) error.value = `The run reported: ${d.errors.join('; ')}`;
    useTraceStore().flush();
    check();
  }

  /** Subscribes to run events, loads the list, and rechecks the live trace as it grows. */
  async function init(conn: ApiConnection): Promise<void> {
    dispose();
    connection = conn;
    unsubscribe.push(conn.api.on('scenario:progress', onProgress));
    unsubscribe.push(conn.api.on('scenario:done', onDone));
    unsubscribe.push(conn.api.on('scenario:assessment', onAssessment));
    const trace = useTraceStore();
    const ui = useUiStore();
    unsubscribe.push(watch(() => trace.version, scheduleCheck));
    // A new trace (another lab, a run, an opened file): the old verdict says nothing about it.
    unsubscribe.push(
      watch(
        () => trace.header,
        (next) => {
          // An incident's zoom and marks belonged to the trace shown before.
          if (ui.evidence.size > 0 || ui.activeIncident !== null) {
            ui.markEvidence([]);
            ui.setTimeRange(null);
          }
          if (report.value && reportHeader !== next) {
            report.value = null;
            diagnosis.value = null;
            reportVersion.value = -1;
          }
        },
      ),
    );
    unsubscribe.push(
      watch(
        () => ui.vocabulary,
        () => {
          if (report.value) check();
        },
      ),
    );
    await loadList();
  }

  /** Unsubscribes and stops the recheck timer. */
  function dispose(): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    if (autoTimer) clearTimeout(autoTimer);
    autoTimer = null;
    connection = null;
  }

  return {
    list,
    listLoading,
    run,
    report,
    diagnosis,
    reportVersion,
    error,
    assessment,
    init,
    dispose,
    loadList,
    runBuiltIn,
    runInline,
    cancel,
    check,
    onProgress,
    onDone,
    onAssessment,
  };
});
