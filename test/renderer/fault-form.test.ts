import { describe, expect, it } from 'vitest';
import {
  emptyFaultForm,
  faultInputOf,
  validateFaultForm,
  type FaultForm,
} from '../../src/renderer/src/faults/form';
import { FAULT_PRESETS } from '../../src/renderer/src/faults/presets';
import { ClientFaultSchema } from '../../src/shared/model/faults';

function form(over: Partial<FaultForm>): FaultForm {
  return { ...emptyFaultForm('1'), ...over };
}

describe('fault form', () => {
  it('a blackhole for 25 s becomes a fault:apply request in model ms', () => {
    expect(
      validateFaultForm(form({ kind: 'blackhole', path: 'signaling', direction: 'up', seconds: '25' })),
    ).toEqual({
      ok: true,
      request: { uid: 1, fault: { kind: 'blackhole', path: 'signaling', direction: 'up' }, forMs: 25_000 },
    });
  });

  it('manual clear sends no forMs; only the fields of the kind are sent', () => {
    const result = validateFaultForm(
      form({ kind: 'latency', ms: '400', jitterMs: '50', duration: 'manual', pct: 'junk' }),
    );
    expect(result).toEqual({
      ok: true,
      request: { uid: 1, fault: { kind: 'latency', ms: 400, jitterMs: 50, path: 'all', direction: 'both' } },
    });
    expect(faultInputOf(form({ kind: 'refuse' }))).toEqual({ kind: 'refuse' });
  });

  it('names the field and the bound that ClientFaultSchema rejects', () => {
    const result = validateFaultForm(form({ kind: 'loss', pct: '120' }));
    expect(result).toEqual({ ok: false, errors: { pct: 'Loss (%): must be at most 100.' } });
    const bw = validateFaultForm(form({ kind: 'bandwidth', kbps: '0' }));
    expect(bw).toEqual({ ok: false, errors: { kbps: 'Rate (kbps): must be at least 1.' } });
    const burst = validateFaultForm(form({ kind: 'loss', pct: '5', burstMeanLength: '0.5' }));
    expect(burst.ok ? null : burst.errors.burstMeanLength).toBe(
      'Mean burst length (packets): must be at least 1.',
    );
  });

  it('asks for numbers, a participant and a positive duration', () => {
    const result = validateFaultForm(form({ uid: '', kind: 'latency', ms: 'abc', seconds: '0' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.ms).toBe('Delay (ms): enter a number.');
    expect(result.errors.uid).toBe('Pick the participant the fault applies to.');
    expect(result.errors.seconds).toMatch(/greater than 0/);
    expect(validateFaultForm(form({ kind: 'latency', ms: '' })).ok).toBe(false);
  });

  it('every client preset is a valid ClientFault; the server presets name their action', () => {
    for (const p of FAULT_PRESETS) {
      if (p.target === 'client') expect(ClientFaultSchema.safeParse(p.fault).success, p.id).toBe(true);
    }
    const byId = Object.fromEntries(FAULT_PRESETS.map((p) => [p.id, p]));
    expect(byId['wifi-25']).toMatchObject({ forMs: 25_000, fault: { kind: 'blackhole', path: 'all' } });
    expect(byId['lossy-uplink']).toMatchObject({ fault: { kind: 'loss', pct: 20, direction: 'up' } });
    expect(byId['high-latency']).toMatchObject({ fault: { kind: 'latency', ms: 400, jitterMs: 50 } });
    const restart = byId['server-restart']!;
    const token = byId['token-expiry']!;
    expect(restart.target === 'server' && restart.action(1)).toEqual({ action: 'stop', forMs: 5000 });
    expect(token.target === 'server' && token.action(7)).toEqual({ action: 'expire-token', uid: 7 });
  });
});
