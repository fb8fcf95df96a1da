// Background service worker: writes the default settings once, keeps the toolbar badge in
// step with the settings and each tab's site, remembers camera problems per tab for the
// popup, and runs the keyboard shortcut.
import { applyCommand } from '../../src/settings/commands';
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import { loadSettings, onSettingsChanged, saveSettings, SETTINGS_KEY } from '../shared/settings-store';
import { showState, showTabState } from './badge';
import { parseTabMessage } from './tab-messages';
import { forgetTab, knownTabs, rememberCameraOutcome, rememberPage, siteOf } from './tab-state';

chrome.runtime.onInstalled.addListener(async () => {
  const stored = await chrome.storage.sync.get(SETTINGS_KEY);
  if (stored[SETTINGS_KEY] === undefined) await saveSettings({ ...DEFAULT_SETTINGS });
  await showState(await loadSettings());
});

// The badge is not kept across browser restarts; the worker starts again then.
chrome.runtime.onStartup.addListener(async () => showState(await loadSettings()));

chrome.commands.onCommand.addListener(async (command) => {
  const next = applyCommand(command, await loadSettings());
  if (next) await saveSettings(next);
});

/** Every badge again: the default one and each known tab's (a closed tab is forgotten). */
async function showAll(settings: Settings): Promise<void> {
  await showState(settings);
  for (const { tabId, site } of await knownTabs()) {
    await showTabState(tabId, settings, site).catch(() => forgetTab(tabId));
  }
}

onSettingsChanged((settings) => void showAll(settings));

// Only our own content scripts can reach onMessage (no externally_connectable). The tab and
// its address come from the browser (sender), the message is checked against fixed shapes.
chrome.runtime.onMessage.addListener((raw, sender) => {
  const message = parseTabMessage(raw);
  const tabId = sender.tab?.id;
  if (!message || sender.id !== chrome.runtime.id || tabId === undefined || tabId < 0) return;
  if (message.type === 'camera-outcome') {
    void rememberCameraOutcome(tabId, message.outcome);
  } else if (sender.frameId === 0) {
    const site = siteOf(sender.url);
    void rememberPage(tabId, site);
    // Chromium clears a tab's own badge when it navigates: set it for the new page.
    void loadSettings().then((settings) => showTabState(tabId, settings, site)).catch(() => {});
  }
});

chrome.tabs.onRemoved.addListener((tabId) => void forgetTab(tabId));
