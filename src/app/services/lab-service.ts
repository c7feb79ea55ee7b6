/**
 * The main-process service behind every invoke channel of the contract, for both transports
 * (Electron IPC and browser mode). It owns at most one lab at a time, feeds its trace to the
 * renderer in batches, keeps `lab:status` current, and runs scenarios on a lab of their own
 * that the renderer follows live. Electron-free.
 */
import type { Scenario } from '../../shared';
import type { InvokeParsed, InvokeResponse } from '../../shared/ipc/contract';
import type { TraceHeader, TraceRecord } from '../../shared/trace/records';
import { resolveScenario, runServerAction } from './requests';
import type { BrowserHost } from '../../lab';
import { appInfo } from '../../lab';
import { Lab, type EngineName, type ServerChoice } from '../../lab';
import { builtinScenarios } from '../../lab';
import { runScenario } from '../../lab';
import { labError, serviceError } from './errors';
import { assertRemoteAllowed, probeServer, PROBE_TIMEOUT_MS, RemoteServerWatch } from './remote-server';
import { JournalStore, tempJournalDir } from './recovery';
import { SessionJournals } from './session-journals';
import { ServiceEvents } from './events';
import { idleStatus, labStatus, type LabStatus } from './status';
import { StatusNotifier } from './status-notifier';
import { appInfoResponse, touchesStatus } from './app-info';
import { TraceFeed } from './trace-feed';
import { snapshotResponse } from '../../shared/ipc/snapshot';
import type { TraceRecorder } from '../../lab';

/** Options of a {@link LabService}. */
export interface LabServiceOptions {
  /** Which transport serves the renderer (reported by `app:get-info`). */
  mode: 'electron' | 'browser';
  /** App name and version (default: from package.json). */
  app?: { name: string; version: string };
  /** Window for coalescing `lab:status`, ms (default 100). */
  statusIntervalMs?: number;
  /** Least time between two `trace:records` events, ms (default 50). */
  feedIntervalMs?: number;
  /**
   * Where each lab's trace is journaled for crash recovery (see `recovery.ts`); default a
   * directory under the OS temp dir; null: no journal.
   */
  journalDir?: string | null;
  /** Where `browser` participants run (the desktop app: hidden windows); default headless Chromium. */
  browserHost?: BrowserHost;
  /** How long a remote server may take to answer the handshake `lab:start` makes, ms (default 5000). */
  probeTimeoutMs?: number;
  /** How often the handshake is repeated while a lab uses a remote server, ms (default 5000). */
  remoteWatchIntervalMs?: number;
}

interface RunState {
  runId: string;
  scenario: string;
  step: number;
  steps: number;
  controller: AbortController;
  finished: Promise<void>;
}

/** One lab at a time, driven by the dashboard. Always {@link LabService.dispose}. */
export class LabService {
  /** Where the event channels are published. */
  readonly events = new ServiceEvents();
  private lab: Lab | null = null;
  private server: ServerChoice = { kind: 'embedded' };
  /** Whether a remote server answers its handshake now (an embedded one reports its own state). */
  private remoteWatch: RemoteServerWatch | null = null;
  private engines = new Map<number, EngineName>();
  private run: RunState | null = null;
  private busy: string | null = null;
  private runCounter = 0;
  private disposed = false;
  private readonly feed: TraceFeed;
  private readonly notifier: StatusNotifier;
  private readonly journals: SessionJournals;

  constructor(private readonly options: LabServiceOptions) {
    this.feed = new TraceFeed(this.events, {
      minIntervalMs: options.feedIntervalMs,
      onBatch: (records) => {
        if (touchesStatus(records)) this.notifier.schedule();
      },
    });
    this.journals = new SessionJournals(
      options.journalDir === null ? null : new JournalStore(options.journalDir ?? tempJournalDir()),
    );
    this.notifier = new StatusNotifier(this.events, () => this.status(), options.statusIntervalMs ?? 100);
  }

  /** `app:get-info`. */
  info(): InvokeResponse<'app:get-info'> {
    return appInfoResponse(this.options.app ?? appInfo(), this.options.mode);
  }

  /** `lab:get-status`. */
  status(): LabStatus {
    const run = this.run
      ? { runId: this.run.runId, scenario: this.run.scenario, step: this.run.step, steps: this.run.steps }
      : null;
    if (!this.lab) return idleStatus(run);
    return labStatus(this.lab, {
      server: this.server,
      remoteUp: this.remoteWatch?.up === true,
      engines: this.engines,
      run,
    });
  }

  /**
   * `lab:start`: replaces nothing — stop the running lab (or cancel the run) first. A remote
   * server must be on this machine unless the request carries the person's `allowRemote`
   * confirmation (`REMOTE_NOT_CONFIRMED`, nothing contacted), and must answer a WebSocket
   * handshake before the lab starts (`SERVER_UNREACHABLE`); only then is it reported up.
   */
  async start(req: InvokeParsed<'lab:start'>): Promise<LabStatus> {
    this.assertIdleFor('start a lab');
    if (this.lab) throw serviceError('LAB_BUSY', 'A lab is already running: stop it first.');
    const server: ServerChoice =
      req.server.kind === 'remote'
        ? { kind: 'remote', url: req.server.url, secret: req.server.secret }
        : { kind: 'embedded' };
    if (req.server.kind === 'remote') assertRemoteAllowed(req.server);
    await this.lifecycle('starting', async () => {
      if (server.kind === 'remote')
        await probeServer(server.url, this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
      const journalPath = await this.journals.next();
      const lab = await Lab.create({
        timing: req.timing,
        engine: req.engine,
        channel: req.channel,
        server,
        browserHost: this.options.browserHost,
        ...(journalPath ? { journalPath } : {}),
      }).catch(async (error: unknown) => {
        await this.journals.closeLive();
        throw labError(error);
      });
      this.adopt(lab, server);
      if (server.kind === 'remote')
        this.remoteWatch = new RemoteServerWatch(server.url, {
          onChange: () => this.notifier.schedule(),
          log: (level, message) => lab.log(level, message),
          intervalMs: this.options.remoteWatchIntervalMs,
          timeoutMs: this.options.probeTimeoutMs,
        });
      try {
        for (const p of req.participants) {
          await lab.addParticipant({ uid: p.uid, engine: p.engine, autoSubscribe: p.autoSubscribe });
          this.engines.set(p.uid, p.engine ?? lab.engine);
        }
      } catch (error) {
        await this.release();
        throw labError(error);
      }
    });
    return this.notifier.emitIfChanged();
  }

  /** `lab:stop`: cancels a scenario run, or disposes the lab. The trace stays for a look. */
  async stop(): Promise<LabStatus> {
    if (this.run) return this.cancel();
    if (this.busy) throw serviceError('LAB_BUSY', `The lab is ${this.busy}; try again in a moment.`);
    await this.lifecycle('stopping', () => this.release());
    return this.notifier.emitIfChanged();
  }

  /** `participant:add`. */
  async addParticipant(req: InvokeParsed<'participant:add'>): Promise<LabStatus> {
    const lab = this.manualLab('add a participant');
    if (lab.uids().includes(req.uid))
      throw serviceError('DUPLICATE_UID', `UID ${req.uid} is already a participant of this lab.`);
    await this.act(() =>
      lab.addParticipant({ uid: req.uid, engine: req.engine, autoSubscribe: req.autoSubscribe }),
    );
    this.engines.set(req.uid, req.engine ?? lab.engine);
    return this.notifier.emitIfChanged();
  }

  /** `client:join`: resolves once joined (or rejects with the reason, e.g. INVALID_TOKEN). */
  join(req: InvokeParsed<'client:join'>): Promise<LabStatus> {
    return this.clientAction(req.uid, 'join', (lab) => lab.join(req.uid));
  }

  /** `client:leave`. */
  leave(req: InvokeParsed<'client:leave'>): Promise<LabStatus> {
    return this.clientAction(req.uid, 'leave', (lab) => lab.leave(req.uid));
  }

  /** `client:publish`. */
  publish(req: InvokeParsed<'client:publish'>): Promise<LabStatus> {
    return this.clientAction(req.uid, 'publish', (lab) => lab.publish(req.uid, req.kinds));
  }

  /** `client:unpublish`. */
  unpublish(req: InvokeParsed<'client:unpublish'>): Promise<LabStatus> {
    return this.clientAction(req.uid, 'unpublish', (lab) => lab.unpublish(req.uid, req.kinds));
  }

  /** `fault:apply`: `forMs` is model time (scaled by the lab's timeScale). */
  async applyFault(req: InvokeParsed<'fault:apply'>): Promise<InvokeResponse<'fault:apply'>> {
    const lab = this.manualLab('apply a fault');
    this.assertUid(lab, req.uid);
    const id = await this.act(() => lab.applyFault(req.uid, req.fault, req.forMs));
    return { id, status: this.notifier.emitIfChanged() };
  }

  /** `fault:clear`. */
  async clearFault(req: InvokeParsed<'fault:clear'>): Promise<LabStatus> {
    const lab = this.manualLab('clear a fault');
    const cleared = await this.act(() => lab.clearFault(req.id));
    if (!cleared)
      throw serviceError('UNKNOWN_FAULT', `No active fault has the id "${req.id}" (it may have ended).`);
    return this.notifier.emitIfChanged();
  }

  /** `server:run-action`: stop, crash, start, bans, token expiry, join admission. */
  async serverAction(req: InvokeParsed<'server:run-action'>): Promise<LabStatus> {
    const lab = this.manualLab('act on the server');
    if (this.server.kind === 'remote')
      throw serviceError(
        'NOT_SUPPORTED',
        'Server actions need the embedded server; this lab uses a remote one.',
      );
    await this.act(() => {
      if (req.action === 'expire-token') this.assertUid(lab, req.uid);
      return runServerAction(lab, req);
    });
    return this.notifier.emitIfChanged();
  }

  /** `scenario:list`: the built-in library. */
  listScenarios(): InvokeResponse<'scenario:list'> {
    return builtinScenarios().map((s) => ({ name: s.name, description: s.description, profile: s.profile }));
  }

  /**
   * `scenario:run`: stops the current lab, then runs the scenario on a lab of its own, which
   * the renderer follows (`trace:records` with a new header, `lab:status`, `scenario:progress`,
   * then `scenario:done`). Resolves with the run id as soon as the run is under way.
   */
  async runScenario(req: InvokeParsed<'scenario:run'>): Promise<InvokeResponse<'scenario:run'>> {
    this.assertIdleFor('run a scenario');
    const scenario = resolveScenario(req.scenario);
    if (this.lab) await this.lifecycle('stopping', () => this.release());
    const runId = `run-${++this.runCounter}`;
    const controller = new AbortController();
    const state: RunState = {
      runId,
      scenario: scenario.name,
      step: 0,
      steps: scenario.steps.length,
      controller,
      finished: Promise.resolve(),
    };
    this.run = state;
    state.finished = this.execute(state, scenario, req);
    return { runId };
  }

  /** `scenario:cancel`: aborts the run (its lab is disposed, its trace kept). */
  async cancel(): Promise<LabStatus> {
    const run = this.run;
    if (!run) return this.notifier.emitIfChanged();
    run.controller.abort();
    await run.finished;
    return this.notifier.emitIfChanged();
  }

  /**
   * `trace:get-snapshot`: the current (or last) trace's header and the records held (all, or
   * those of the types asked for), as records or in the compact wire form
   * (`shared/trace/compact.ts`).
   */
  snapshot(): { header: TraceHeader | null; records: TraceRecord[] };
  snapshot(request: InvokeParsed<'trace:get-snapshot'>): InvokeResponse<'trace:get-snapshot'>;
  snapshot(request: InvokeParsed<'trace:get-snapshot'> = {}): InvokeResponse<'trace:get-snapshot'> {
    const recorder = this.feed.recorder;
    return snapshotResponse(recorder?.header ?? null, recorder?.snapshot() ?? [], request);
  }

  /** The current (or last) trace, for export. */
  currentTrace(): { header: TraceHeader; records: TraceRecord[] } | null {
    const recorder = this.feed.recorder;
    return recorder ? { header: recorder.header, records: recorder.snapshot() } : null;
  }

  /** The recorder of the current (or last) trace: exports read its journal past the ring. */
  currentRecorder(): TraceRecorder | null {
    return this.feed.recorder ?? null;
  }

  /** `trace:add-mark`: a note in the running trace. */
  addMark(req: InvokeParsed<'trace:add-mark'>): InvokeResponse<'trace:add-mark'> {
    if (!this.lab)
      throw serviceError('NO_LAB', 'Marks go into a running lab: start the lab or run a scenario.');
    return { seq: this.lab.recorder.record({ type: 'mark', uid: null, label: req.label }).seq };
  }

  /** Writes a problem of the hosting process (e.g. a stray rejection) into the current trace. */
  recordProcessProblem(message: string): void {
    this.lab?.log('error', message);
  }

  /** Journals of sessions that did not close cleanly (never the live one). */
  async listRecoverable(): Promise<InvokeResponse<'recovery:list'>> {
    return this.journals.list();
  }

  /** Loads a recovered journal as the current trace (a `trace:opened` event). */
  async openRecovered(req: InvokeParsed<'recovery:open'>): Promise<InvokeResponse<'recovery:open'>> {
    const payload = await this.journals.open(req.id);
    this.events.emit('trace:opened', payload);
    return { id: req.id, records: payload.records.length };
  }

  /** Deletes a recovered journal. */
  async discardRecovered(req: InvokeParsed<'recovery:discard'>): Promise<InvokeResponse<'recovery:discard'>> {
    await this.journals.discard(req.id);
    return { id: req.id };
  }

  /** Cancels a run, disposes the lab and stops every timer. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.run) {
      this.run.controller.abort();
      await this.run.finished;
    }
    await this.release();
    this.feed.dispose();
    this.notifier.dispose();
    this.events.clear();
  }

  private async execute(
    state: RunState,
    scenario: Scenario,
    req: InvokeParsed<'scenario:run'>,
  ): Promise<void> {
    let done: { ok: boolean; aborted: boolean; errors: string[] };
    try {
      const journalPath = await this.journals.next();
      const result = await runScenario(scenario, {
        ...(journalPath ? { journalPath } : {}),
        timeScale: req.timeScale,
        engine: req.engine,
        browserHost: this.options.browserHost,
        signal: state.controller.signal,
        onLab: (lab) => {
          this.adopt(lab, { kind: 'embedded' });
          for (const p of scenario.participants) this.engines.set(p.uid, p.engine ?? lab.engine);
        },
        onAssessment: (assessment) => {
          this.events.emit('scenario:assessment', { runId: state.runId, ...assessment });
        },
        onStep: (index, step) => {
          state.step = index;
          this.events.emit('scenario:progress', {
            runId: state.runId,
            step: index,
            steps: state.steps,
            label: `${step.do}${'uid' in step && step.uid !== undefined ? ` uid ${step.uid}` : ''}`,
          });
          this.notifier.schedule();
        },
      });
      done = {
        ok: !result.aborted && result.errors.length === 0 && result.report.ok,
        aborted: result.aborted,
        errors: result.errors,
      };
    } catch (error) {
      done = { ok: false, aborted: state.controller.signal.aborted, errors: [labError(error).message] };
    }
    this.lab = null;
    this.run = null;
    await this.journals.closeLive();
    this.feed.flush();
    this.events.emit('scenario:done', { runId: state.runId, ...done });
    this.notifier.emitIfChanged();
  }

  /** Makes `lab` the current one: its trace feeds the renderer from now on. */
  private adopt(lab: Lab, server: ServerChoice): void {
    this.lab = lab;
    this.server = server;
    this.engines = new Map();
    this.feed.follow(lab.recorder);
    this.notifier.schedule();
  }

  /** Disposes the current lab (its last records still reach the renderer). */
  private async release(): Promise<void> {
    const lab = this.lab;
    this.lab = null;
    this.remoteWatch?.stop();
    this.remoteWatch = null;
    if (!lab) return;
    await lab.dispose();
    await this.journals.closeLive();
    this.feed.flush();
  }

  private async lifecycle(what: string, body: () => Promise<void>): Promise<void> {
    if (this.busy) throw serviceError('LAB_BUSY', `The lab is ${this.busy}; try again in a moment.`);
    if (this.disposed) throw serviceError('NO_LAB', 'The app is shutting down.');
    this.busy = what;
    try {
      await body();
    } finally {
      this.busy = null;
    }
  }

  private assertIdleFor(action: string): void {
    if (this.busy) throw serviceError('LAB_BUSY', `The lab is ${this.busy}; try again in a moment.`);
    if (this.run)
      throw serviceError('LAB_BUSY', `Scenario "${this.run.scenario}" is running: cancel it to ${action}.`);
  }

  /** The lab a person may drive by hand (not one a scenario run owns). */
  private manualLab(action: string): Lab {
    this.assertIdleFor(action);
    if (!this.lab) throw serviceError('NO_LAB', `No lab is running: start the lab to ${action}.`);
    return this.lab;
  }

  private assertUid(lab: Lab, uid: number): void {
    if (!lab.uids().includes(uid))
      throw serviceError('UNKNOWN_UID', `UID ${uid} is not a participant of this lab: add it first.`);
  }

  private async clientAction(
    uid: number,
    action: string,
    body: (lab: Lab) => Promise<void>,
  ): Promise<LabStatus> {
    const lab = this.manualLab(action);
    this.assertUid(lab, uid);
    await this.act(() => body(lab));
    return this.notifier.emitIfChanged();
  }

  /** Runs a lab operation, typing what it throws. */
  private async act<T>(body: () => T | Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw labError(error);
    } finally {
      this.notifier.schedule();
    }
  }
}
