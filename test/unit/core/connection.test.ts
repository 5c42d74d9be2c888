import { describe, expect, it } from 'vitest';
import { contextValue, failureState, retryDelayMs, transition, type ConnState } from '../../../src/core/connection';

const unknown: ConnState = { kind: 'unknown' };

describe('connection state machine', () => {
  it('probe shows a spinner, success connects with the version', () => {
    const s1 = transition(unknown, { type: 'probe' });
    expect(s1).toEqual({ kind: 'connecting' });
    expect(contextValue(s1)).toBe('connecting');
    const s2 = transition(s1, { type: 'success', version: 6 });
    expect(s2).toEqual({ kind: 'connected', version: 6 });
    expect(contextValue(s2)).toBe('connected');
  });

  it('a re-check while connected keeps "connected" on screen', () => {
    const c: ConnState = { kind: 'connected', version: 6 };
    expect(transition(c, { type: 'probe' })).toBe(c);
  });

  it('background probes keep the current verdict (no flicker of the welcome view)', () => {
    const s: ConnState = { kind: 'notRunning', message: 'x' };
    expect(transition(s, { type: 'probe', background: true })).toBe(s);
    expect(transition(s, { type: 'probe' })).toEqual({ kind: 'connecting' });
  });

  it('maps failure kinds to states', () => {
    expect(transition(unknown, { type: 'failure', kind: 'notRunning', message: 'm' })).toEqual({ kind: 'notRunning', message: 'm' });
    expect(transition(unknown, { type: 'failure', kind: 'apiKey', message: 'k' })).toEqual({ kind: 'apiKey', message: 'k' });
    for (const kind of ['timeout', 'reset', 'forbidden', 'http', 'protocol', 'badUrl', 'noCollection'] as const) {
      expect(transition(unknown, { type: 'failure', kind, message: kind })).toEqual({ kind: 'error', message: kind });
    }
  });

  it('request-level failures (bad query, missing note) do not change the connection', () => {
    const c: ConnState = { kind: 'connected', version: 6 };
    for (const kind of ['anki', 'unsupportedAction', 'unsupported', 'unknown'] as const) {
      expect(failureState(kind, 'x')).toBeUndefined();
      expect(transition(c, { type: 'failure', kind, message: 'Invalid search' })).toBe(c);
    }
  });

  it('a success after a failure reconnects; a request success keeps the last version', () => {
    const down: ConnState = { kind: 'notRunning', message: 'm' };
    expect(transition(down, { type: 'success' })).toEqual({ kind: 'connected', version: 6 });
    const c: ConnState = { kind: 'connected', version: 7 };
    expect(transition(c, { type: 'success' })).toBe(c);
  });

  it('the same failure twice returns the same object (no event storm)', () => {
    const s = transition(unknown, { type: 'failure', kind: 'notRunning', message: 'm' });
    expect(transition(s, { type: 'failure', kind: 'notRunning', message: 'm' })).toBe(s);
  });

  it('reset forgets the verdict (settings changed)', () => {
    expect(transition({ kind: 'apiKey', message: 'k' }, { type: 'reset' })).toEqual({ kind: 'unknown' });
  });

  it('retries back off while Anki is down, never for a rejected key', () => {
    const down: ConnState = { kind: 'notRunning', message: 'm' };
    const delays = [0, 1, 2, 3, 4, 5, 50].map((a) => retryDelayMs(down, a)!);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[0]).toBeLessThanOrEqual(5_000);
    expect(delays.at(-1)).toBe(60_000);
    expect(retryDelayMs({ kind: 'apiKey', message: 'k' }, 0)).toBeUndefined();
    expect(retryDelayMs({ kind: 'connected', version: 6 }, 0)).toBeUndefined();
    expect(retryDelayMs({ kind: 'error', message: 'e' }, 0)).toBeGreaterThan(0);
  });
});
