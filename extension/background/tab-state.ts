// What the background knows per tab, in chrome.storage.session (kept while the browser runs,
// across service-worker restarts, never written to disk): the tab's site, for its badge, and
// the last camera problem in it, for its popup. A new page in the tab forgets the problem.
import type { CameraOutcome } from '../shared/camera-outcome';
import { cameraProblemKey } from '../shared/settings-store';

const TAB_SITE_PREFIX = 'tabSite:';

/** The hostname of an http(s) address, else ''. */
export function siteOf(url: string | undefined): string {
  try {
    const parsed = new URL(url ?? '');
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.hostname : '';
  } catch {
    return '';
  }
}

/**
 * A new top-level page: its site is remembered, an old camera problem is forgotten. Both
 * writes are issued at once, so a camera outcome the same page sends next lands after them.
 */
export function rememberPage(tabId: number, site: string): Promise<unknown> {
  return Promise.all([
    chrome.storage.session.remove(cameraProblemKey(tabId)),
    chrome.storage.session.set({ [TAB_SITE_PREFIX + tabId]: site }),
  ]);
}

export function rememberCameraOutcome(tabId: number, outcome: CameraOutcome): Promise<void> {
  return outcome === 'started'
    ? chrome.storage.session.remove(cameraProblemKey(tabId))
    : chrome.storage.session.set({ [cameraProblemKey(tabId)]: outcome });
}

export function forgetTab(tabId: number): Promise<void> {
  return chrome.storage.session.remove([TAB_SITE_PREFIX + tabId, cameraProblemKey(tabId)]);
}

/** Every tab whose page told its site, with that site. */
export async function knownTabs(): Promise<Array<{ tabId: number; site: string }>> {
  const all = await chrome.storage.session.get(null);
  return Object.entries(all)
    .filter(([key, site]) => key.startsWith(TAB_SITE_PREFIX) && typeof site === 'string')
    .map(([key, site]) => ({ tabId: Number(key.slice(TAB_SITE_PREFIX.length)), site: site as string }));
}
