// Tells the background about this tab: that a top-level page is shown (the badge then shows
// the site's own on/off, and an old camera problem is forgotten), and how the page's camera
// requests end (the popup then says "your camera is in use"). The page's only input is which
// of four bare events it fired; the tab and its address come from the browser.
import { CAMERA_OUTCOMES, cameraOutcomeEvent, type CameraOutcome } from '../shared/camera-outcome';
import type { TabMessage } from '../background/tab-messages';

function send(message: TabMessage): void {
  try {
    chrome.runtime.sendMessage(message).catch(() => {});
  } catch {
    // The extension was reloaded: this old content script has no runtime any more.
  }
}

export function reportPageShown(): void {
  if (window !== window.top) return;
  send({ type: 'page-shown' });
  // A page restored from the back/forward cache runs no content script again.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) send({ type: 'page-shown' });
  });
}

export function forwardCameraOutcomes(): void {
  let last: CameraOutcome | null = null;
  for (const outcome of CAMERA_OUTCOMES) {
    window.addEventListener(
      cameraOutcomeEvent(outcome),
      () => {
        // Repeats carry nothing new: a page that fires the same event in a loop costs nothing.
        if (outcome === last) return;
        last = outcome;
        send({ type: 'camera-outcome', outcome });
      },
      true,
    );
  }
}
