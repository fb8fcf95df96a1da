// The camera problem of the tab the popup was opened over, as the background keeps it
// (chrome.storage.session). The tab's id needs no permission; its address is not read here.
import { isCameraOutcome, type CameraProblem } from '../shared/camera-outcome';
import { cameraProblemKey } from '../shared/settings-store';

export async function activeTabId(): Promise<number | undefined> {
  const [active] = await chrome.tabs.query({ active: true, currentWindow: true }).catch(() => []);
  return active?.id;
}

export async function readCameraProblem(tabId: number | undefined): Promise<CameraProblem | null> {
  if (tabId === undefined) return null;
  const key = cameraProblemKey(tabId);
  const value = (await chrome.storage.session.get(key))[key];
  return isCameraOutcome(value) && value !== 'started' ? value : null;
}
