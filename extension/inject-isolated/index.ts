// Isolated-world bridge: loads the engine iframe (an extension page, so its WASM, workers
// and WebGPU run under the extension's CSP, not the call site's) when the MAIN-world hook
// asks for it, and tells the hook where it is. It reads no message content from the page:
// the only input is a bare event, so a page cannot make it do anything but load the engine.
// It also reports the tab's page and camera outcomes to the background (tab-reports.ts).
import { ENGINE_READY_EVENT, ENGINE_REQUEST_EVENT } from '../shared/engine-protocol';
import { forwardCameraOutcomes, reportPageShown } from './tab-reports';

reportPageShown();
forwardCameraOutcomes();

let engineFrame: HTMLIFrameElement | null = null;
let loaded = false;
let createdAt = -Infinity;
/**
 * A page that keeps removing the engine iframe (a framework re-rendering <body>, or on
 * purpose) gets a new one at most this often: each start loads WASM runtimes and models.
 */
const MIN_RECREATE_MS = 2000;

function announce(frame: HTMLIFrameElement) {
  frame.dispatchEvent(new CustomEvent(ENGINE_READY_EVENT, { bubbles: true, composed: true }));
}

function createEngineFrame(): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.src = chrome.runtime.getURL('engine.html');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  // Kept in the layout but invisible: display:none could let the browser throttle it.
  frame.style.cssText =
    'position:fixed!important;width:1px!important;height:1px!important;left:-10px!important;top:-10px!important;' +
    'border:0!important;opacity:0!important;pointer-events:none!important;';
  frame.allow = 'cross-origin-isolated';
  frame.addEventListener('load', () => {
    loaded = true;
    announce(frame);
  });
  (document.body ?? document.documentElement).appendChild(frame);
  return frame;
}

window.addEventListener(
  ENGINE_REQUEST_EVENT,
  (event) => {
    // Only the bare request counts; anything attached to it is ignored.
    if (!(event instanceof CustomEvent)) return;
    if (engineFrame?.isConnected) {
      if (loaded) announce(engineFrame);
      return;
    }
    if (performance.now() - createdAt < MIN_RECREATE_MS) return;
    createdAt = performance.now();
    loaded = false;
    try {
      engineFrame = createEngineFrame();
    } catch {
      // chrome.runtime is gone when the extension was reloaded: the hook times out and passes frames through.
      engineFrame = null;
    }
  },
  true,
);
