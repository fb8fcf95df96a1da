// The toolbar button answers one question for the tab in front of the user: will my face be
// changed here? An orange "ON" badge when yes, a grey "OFF" one when no, whether the user
// turned Critter Cam off everywhere or only for this site. The tooltip (read by screen
// readers too) says which of the two switches it was; the popup has both switches.
import { isActiveOn, type Settings } from '../../src/settings/settings';

const ON_COLOUR = '#e8730c';
const OFF_COLOUR = '#6b6b6b';

export interface Badge {
  text: 'ON' | 'OFF';
  colour: string;
  title: string;
}

/** The badge for a tab showing `site` (a hostname; '' when the tab's site is unknown or not a web page). */
export function badgeFor(settings: Settings, site = ''): Badge {
  if (!settings.enabled) return { text: 'OFF', colour: OFF_COLOUR, title: 'Critter Cam: off' };
  if (site && !isActiveOn(settings, site)) {
    return { text: 'OFF', colour: OFF_COLOUR, title: `Critter Cam: off on ${site} (on elsewhere)` };
  }
  return { text: 'ON', colour: ON_COLOUR, title: 'Critter Cam: on' };
}

/** The state every tab shows until its page tells the background its site. */
export async function showState(settings: Settings): Promise<void> {
  await applyBadge(badgeFor(settings));
}

/** The state of one tab; rejects when the tab is gone. */
export async function showTabState(tabId: number, settings: Settings, site: string): Promise<void> {
  await applyBadge(badgeFor(settings, site), tabId);
}

async function applyBadge(badge: Badge, tabId?: number): Promise<void> {
  await Promise.all([
    chrome.action.setBadgeText({ text: badge.text, tabId }),
    chrome.action.setBadgeBackgroundColor({ color: badge.colour, tabId }),
    chrome.action.setTitle({ title: badge.title, tabId }),
  ]);
}
