// The status bar item per connection state (src/ui/statusBar.ts).
import { describe, expect, it } from 'vitest';
import { Commands } from '../../../src/constants';
import { statusView } from '../../../src/ui/statusBar';

describe('status bar', () => {
  const url = 'http://127.0.0.1:8765';
  it('connected: short text, version and URL in the tooltip, no background', () => {
    const v = statusView({ kind: 'connected', version: 6 }, url);
    expect(v.text).toBe('$(check) Anki');
    expect(v.tooltip).toContain('6');
    expect(v.tooltip).toContain(url);
    expect(v.background).toBeUndefined();
  });
  it('not running: warning, click retries; key rejected: error, click sets the key; spinner while checking', () => {
    const nr = statusView({ kind: 'notRunning', message: 'x' }, url);
    expect([nr.background, nr.command]).toEqual(['warning', Commands.retryConnection]);
    const key = statusView({ kind: 'apiKey', message: 'AnkiConnect rejected the API key.' }, url);
    expect([key.background, key.command]).toEqual(['error', Commands.setApiKey]);
    expect(key.tooltip).toContain('rejected');
    expect(statusView({ kind: 'connecting' }, url).text).toContain('~spin');
    expect(statusView({ kind: 'error', message: 'boom' }, url)).toMatchObject({ background: 'error', command: Commands.retryConnection });
  });
  it('saves waiting for Anki: counted after the connection text, in the tooltip too', () => {
    const at = new Date(2026, 0, 1, 14, 2).getTime();
    const offline = statusView({ kind: 'notRunning', message: 'x' }, url, at, 2);
    expect(offline.text).toMatch(/^\$\(debug-disconnect\) Anki \(offline, cached .+\) · 2 saves waiting$/);
    expect(offline.tooltip).toContain('2 saves wait for Anki');
    expect(statusView({ kind: 'notRunning', message: 'x' }, url, undefined, 1).text).toBe('$(debug-disconnect) Anki · 1 save waiting');
    expect(statusView({ kind: 'connected', version: 6 }, url, undefined, 0).text).toBe('$(check) Anki');
  });
});
