import { describe, expect, it } from 'vitest';
import { badgeFor } from '../../../extension/background/badge';
import { DEFAULT_SETTINGS } from '../../../src/settings/settings';

const on = { ...DEFAULT_SETTINGS, disabledSites: ['zoom.us'] };

describe('badgeFor', () => {
  it('says ON where the effect runs', () => {
    expect(badgeFor(on, 'meet.google.com')).toMatchObject({ text: 'ON', title: 'Critter Cam: on' });
    expect(badgeFor(on)).toMatchObject({ text: 'ON' });
  });
  it('says OFF on a site switched off (subdomains too) and names the site in the tooltip', () => {
    const badge = badgeFor(on, 'app.zoom.us');
    expect(badge.text).toBe('OFF');
    expect(badge.title).toBe('Critter Cam: off on app.zoom.us (on elsewhere)');
    expect(badge.colour).toBe(badgeFor({ ...on, enabled: false }).colour);
    expect(badge.colour).not.toBe(badgeFor(on).colour);
  });
  it('says OFF everywhere when switched off', () => {
    expect(badgeFor({ ...on, enabled: false }, 'meet.google.com')).toMatchObject({ text: 'OFF', title: 'Critter Cam: off' });
    expect(badgeFor({ ...on, enabled: false }, 'zoom.us')).toMatchObject({ text: 'OFF', title: 'Critter Cam: off' });
  });
});
