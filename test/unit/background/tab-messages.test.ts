import { describe, expect, it } from 'vitest';
import { parseTabMessage } from '../../../extension/background/tab-messages';
import { siteOf } from '../../../extension/background/tab-state';

describe('parseTabMessage', () => {
  it('accepts exactly the known shapes', () => {
    expect(parseTabMessage({ type: 'page-shown' })).toEqual({ type: 'page-shown' });
    expect(parseTabMessage({ type: 'camera-outcome', outcome: 'busy' })).toEqual({ type: 'camera-outcome', outcome: 'busy' });
    expect(parseTabMessage({ outcome: 'started', type: 'camera-outcome' })).toEqual({ type: 'camera-outcome', outcome: 'started' });
  });
  it('drops anything else: unknown types and outcomes, extra keys, non-objects', () => {
    for (const message of [
      null, undefined, 'page-shown', 42, [], ['page-shown'],
      { type: 'page-shown', site: 'evil.example' },
      { type: 'camera-outcome' },
      { type: 'camera-outcome', outcome: 'on-fire' },
      { type: 'camera-outcome', outcome: 'busy', tabId: 3 },
      { type: 'settings', enabled: false },
    ]) {
      expect(parseTabMessage(message)).toBeNull();
    }
  });
});

describe('siteOf', () => {
  it('is the hostname of web pages only', () => {
    expect(siteOf('https://meet.google.com/abc-defg-hij')).toBe('meet.google.com');
    expect(siteOf('http://127.0.0.1:8080/demo-call.html')).toBe('127.0.0.1');
    for (const url of ['about:blank', 'chrome://newtab/', 'file:///tmp/a.html', 'not a url', undefined]) expect(siteOf(url)).toBe('');
  });
});
