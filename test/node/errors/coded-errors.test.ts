/**
 * Every error with a code shares one base, CodedError, and keeps its own name, code and message;
 * crossing IPC serializes them as before: `{ name, message, code }`.
 */
import { describe, expect, it } from 'vitest';
import { CodedError, errorCode } from '../../../src/shared/errors';
import { IpcError } from '../../../src/shared/ipc/contract';
import { InvalidFaultError } from '../../../src/shared/model/faults';
import { ScenarioError } from '../../../src/shared/scenario/validate';
import { SupportOpenError } from '../../../src/shared/support/import/errors';
import { TraceReadError } from '../../../src/shared/trace/parse';
import { BundleError } from '../../../src/app/support/bundle/bundle';
import { BrowserUnavailableError } from '../../../src/lab/browser/chromium-host';
import { ClientError, SignalingError } from '../../../src/lab/clients/errors';
import { IllegalTransitionError } from '../../../src/lab/clients/state-machine';
import { CandidateParseError } from '../../../src/lab/faults/candidate';
import { MemberJoinError } from '../../../src/lab/load/signaling-member';
import { ServerDownError } from '../../../src/lab/server/server-process';
import { DurationError } from '../../../src/lab/soak/duration';
import { JournalError } from '../../../src/lab/trace/journal';
import { TurnConfigError } from '../../../src/lab/turn/lab-turn';
import { TurnServerMissingError, TurnServerStartError } from '../../../src/lab/turn/turn-server';

/** One instance of each coded error, with the name, code and message it must have. */
const CASES: Array<[CodedError, string, string, string]> = [
  [new TraceReadError('NOT_A_TRACE', 'not a trace'), 'TraceReadError', 'NOT_A_TRACE', 'not a trace'],
  [
    new ScenarioError('x.json', ['a', 'b']),
    'ScenarioError',
    'INVALID_SCENARIO',
    'x.json: invalid scenario\n  - a\n  - b',
  ],
  [new SupportOpenError('EMPTY', 'empty file'), 'SupportOpenError', 'EMPTY', 'empty file'],
  [new IpcError('over the wire', 'NO_LAB', 'LabServiceError'), 'IpcError', 'NO_LAB', 'over the wire'],
  [new BundleError('WRITE_FAILED', 'disk full'), 'BundleError', 'WRITE_FAILED', 'disk full'],
  [new JournalError('JOURNAL_OPEN_FAILED', 'no dir'), 'JournalError', 'JOURNAL_OPEN_FAILED', 'no dir'],
  [
    new DurationError('3x', 'unknown unit'),
    'DurationError',
    'INVALID_DURATION',
    '"3x" is not a duration: unknown unit (e.g. 90s, 30m, 2h, 1h30m)',
  ],
  [new MemberJoinError(7, 'TIMEOUT', 'no answer'), 'MemberJoinError', 'TIMEOUT', 'member 7: no answer'],
  [
    new InvalidFaultError(['ms: too small']),
    'InvalidFaultError',
    'INVALID_FAULT',
    'invalid fault: ms: too small',
  ],
  [
    new CandidateParseError('too few fields', 'candidate:1'),
    'CandidateParseError',
    'INVALID_CANDIDATE',
    'too few fields: "candidate:1"',
  ],
  [
    new BrowserUnavailableError('no chromium'),
    'BrowserUnavailableError',
    'BROWSER_UNAVAILABLE',
    'no chromium',
  ],
  [
    new TurnServerMissingError(),
    'TurnServerMissingError',
    'TURN_SERVER_MISSING',
    'turnserver (coturn) was not found on PATH: install coturn (e.g. `apt-get install coturn`)',
  ],
  [
    new TurnServerStartError('coturn exited', 'bind failed'),
    'TurnServerStartError',
    'TURN_SERVER_START_FAILED',
    'coturn exited; coturn log ends with: bind failed',
  ],
  [new TurnConfigError('no urls'), 'TurnConfigError', 'INVALID_TURN_CONFIG', 'TURN configuration: no urls'],
  [
    new IllegalTransitionError('DISCONNECTED', 'CONNECTED', undefined),
    'IllegalTransitionError',
    'ILLEGAL_TRANSITION',
    'illegal connection-state transition DISCONNECTED → CONNECTED',
  ],
  [new ClientError('INVALID_STATE', 'not joined'), 'ClientError', 'INVALID_STATE', 'not joined'],
  [new SignalingError('TOKEN_EXPIRE', 'expired'), 'SignalingError', 'TOKEN_EXPIRE', 'expired'],
  [new ServerDownError('ban-uid'), 'ServerDownError', 'SERVER_DOWN', 'server is not running (ban-uid)'],
];

describe('CodedError', () => {
  it.each(CASES)('%s keeps its name, code and message', (error, name, code, message) => {
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(errorCode(error)).toBe(code);
  });

  it.each(CASES.filter(([e]) => !(e instanceof IpcError)))(
    '%s crosses IPC as { name, message, code }',
    (error, name, code, message) => {
      expect(IpcError.serialize(error)).toEqual({ name, message, code });
    },
  );

  it('an IpcError crosses as the error it stands for', () => {
    expect(IpcError.serialize(new IpcError('no lab', 'NO_LAB', 'LabServiceError'))).toEqual({
      name: 'LabServiceError',
      message: 'no lab',
      code: 'NO_LAB',
    });
    const back = IpcError.from({ name: 'ClientError', message: 'm', code: 'INVALID_STATE' });
    expect(back).toBeInstanceOf(CodedError);
    expect([back.name, back.remoteName, back.code, back.message]).toEqual([
      'IpcError',
      'ClientError',
      'INVALID_STATE',
      'm',
    ]);
  });

  it('carries a cause only when one is given', () => {
    const cause = new Error('EACCES');
    expect(new JournalError('JOURNAL_OPEN_FAILED', 'm', { cause }).cause).toBe(cause);
    expect(Object.hasOwn(new JournalError('JOURNAL_OPEN_FAILED', 'm'), 'cause')).toBe(false);
    expect(Object.hasOwn(new SupportOpenError('EMPTY', 'm', { file: 'x' }), 'cause')).toBe(false);
  });

  it('errorCode reads the plain code of an error that crossed a process boundary', () => {
    expect(errorCode({ name: 'Error', message: 'm', code: 'EADDRINUSE' })).toBe('EADDRINUSE');
    expect(errorCode(new Error('no code'))).toBeNull();
    expect(errorCode({ code: 42 })).toBeNull();
    expect(errorCode(null)).toBeNull();
    expect(errorCode('text')).toBeNull();
  });
});
