// The two messages a content script sends to the background about its tab. The background
// learns the tab and its address from the browser (MessageSender), never from the message;
// the message itself is one of a few fixed shapes, checked here.
import { isCameraOutcome, type CameraOutcome } from '../shared/camera-outcome';

export type TabMessage =
  /** A top-level document of the tab was shown (loaded, or back from the back/forward cache). */
  | { type: 'page-shown' }
  /** How a camera request in the tab ended. */
  | { type: 'camera-outcome'; outcome: CameraOutcome };

/** The message if it is exactly one of the known shapes, else null. */
export function parseTabMessage(message: unknown): TabMessage | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const m = message as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  if (m.type === 'page-shown' && keys === 'type') return { type: 'page-shown' };
  if (m.type === 'camera-outcome' && keys === 'outcome,type' && isCameraOutcome(m.outcome)) {
    return { type: 'camera-outcome', outcome: m.outcome };
  }
  return null;
}
