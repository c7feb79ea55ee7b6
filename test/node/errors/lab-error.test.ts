/**
 * labError types a lab error by its code, never by its message: what a person sees (message and
 * code) is what it was when it matched message text.
 */
import { describe, expect, it } from 'vitest';
import { labError } from '../../../src/app/services/errors';
import { CodedError } from '../../../src/shared/errors';
import { IpcError } from '../../../src/shared/ipc/contract';
import { ClientError, SignalingError } from '../../../src/lab/clients/errors';
import { ServerDownError } from '../../../src/lab/server/server-process';

const shape = (e: IpcError) => ({ code: e.code, name: e.remoteName, message: e.message });

describe('labError', () => {
  it('gives SERVER_DOWN for the server being down, with the message unchanged', () => {
    expect(shape(labError(new ServerDownError('ban-uid')))).toEqual({
      code: 'SERVER_DOWN',
      name: 'ServerDownError',
      message: 'server is not running (ban-uid)',
    });
  });

  it('reads the code, not the message: a SERVER_DOWN worded otherwise still classifies', () => {
    const worded = new CodedError('SERVER_DOWN', 'the channel server is stopped; start it first');
    expect(labError(worded).code).toBe('SERVER_DOWN');
    // And the old keyword in a message without the code no longer decides anything.
    expect(labError(new Error('server is not running (spin)')).code).toBe('LAB_ERROR');
  });

  it('keeps the trace vocabulary of client and signaling errors', () => {
    expect(shape(labError(new ClientError('INVALID_STATE', 'not joined')))).toEqual({
      code: 'INVALID_STATE',
      name: 'ClientError',
      message: 'not joined',
    });
    expect(labError(new SignalingError('TOKEN_EXPIRE', 'expired')).code).toBe('TOKEN_EXPIRE');
  });

  it('keeps the code of a plain error from another process (start-failed from the server child)', () => {
    const plain = Object.assign(new Error('channel server failed to start: busy'), { code: 'EADDRINUSE' });
    expect(shape(labError(plain))).toEqual({
      code: 'EADDRINUSE',
      name: 'Error',
      message: 'channel server failed to start: busy',
    });
  });

  it('is LAB_ERROR for anything without a usable code, and never throws on odd input', () => {
    expect(shape(labError(new Error('uid 3 is not a participant of this lab')))).toEqual({
      code: 'LAB_ERROR',
      name: 'Error',
      message: 'uid 3 is not a participant of this lab',
    });
    expect(labError(Object.assign(new Error('m'), { code: 'lowercase' })).code).toBe('LAB_ERROR');
    expect(labError(Object.assign(new Error('m'), { code: 7 })).code).toBe('LAB_ERROR');
    expect(shape(labError('text'))).toEqual({ code: 'LAB_ERROR', name: 'Error', message: 'text' });
    expect(labError(null).code).toBe('LAB_ERROR');
    expect(labError(undefined).message).toBe('undefined');
  });

  it('passes an IpcError through as it is', () => {
    const e = new IpcError('No lab runs.', 'NO_LAB', 'LabServiceError');
    expect(labError(e)).toBe(e);
  });
});
