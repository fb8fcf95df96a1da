// How the page's camera request ended, as the MAIN-world hook tells the isolated bridge: a bare
// DOM event whose type is one of four fixed names, with nothing attached. The page can fire
// these events too; the worst it can do is put a wrong sentence in its own tab's popup.

/** A camera request that failed, in the words the popup uses; 'started' clears it. */
export type CameraProblem = 'busy' | 'denied' | 'missing';
export type CameraOutcome = CameraProblem | 'started';

export const CAMERA_OUTCOMES: readonly CameraOutcome[] = ['started', 'busy', 'denied', 'missing'];

/** The DOM event type that carries an outcome (the type is the whole message). */
export function cameraOutcomeEvent(outcome: CameraOutcome): string {
  return `critter-cam:camera-${outcome}`;
}

export function isCameraOutcome(value: unknown): value is CameraOutcome {
  return typeof value === 'string' && (CAMERA_OUTCOMES as readonly string[]).includes(value);
}

/**
 * What a getUserMedia rejection means for the user, from the error's name only (Chromium's
 * names, and the legacy ones older Chromium and adapter.js still produce), or null when it is
 * nothing the user can fix (bad constraints from the page, a type error...).
 */
export function classifyCameraError(error: unknown): CameraProblem | null {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  switch (name) {
    // Another app or tab holds the camera, the driver failed, or it did not start in time.
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    // The user, the browser's site settings, a policy or the operating system said no.
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'missing';
    default:
      return null;
  }
}

/** Fired by the MAIN-world hook; never throws into the page's call. */
export function announceCameraOutcome(outcome: CameraOutcome | null): void {
  if (outcome === null) return;
  try {
    window.dispatchEvent(new Event(cameraOutcomeEvent(outcome)));
  } catch {
    // Nothing the page needs to know about.
  }
}
