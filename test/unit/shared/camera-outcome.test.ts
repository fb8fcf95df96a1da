import { describe, expect, it } from 'vitest';
import { CAMERA_OUTCOMES, cameraOutcomeEvent, classifyCameraError, isCameraOutcome } from '../../../extension/shared/camera-outcome';

/** What Chromium rejects getUserMedia with: a DOMException named after the cause. */
const rejection = (name: string) => new DOMException('message from the browser', name);

describe('classifyCameraError', () => {
  it('a camera in use, failing or too slow to start is "busy"', () => {
    for (const name of ['NotReadableError', 'TrackStartError', 'AbortError']) expect(classifyCameraError(rejection(name))).toBe('busy');
  });
  it('a refusal by the user, the site settings, a policy or the system is "denied"', () => {
    expect(classifyCameraError(rejection('NotAllowedError'))).toBe('denied');
    expect(classifyCameraError({ name: 'PermissionDeniedError' })).toBe('denied');
  });
  it('no camera at all is "missing"', () => {
    expect(classifyCameraError(rejection('NotFoundError'))).toBe('missing');
    expect(classifyCameraError({ name: 'DevicesNotFoundError' })).toBe('missing');
  });
  it('what the user cannot fix is nothing to report', () => {
    for (const error of [rejection('OverconstrainedError'), rejection('SecurityError'), new TypeError('bad constraints'), 'NotReadableError', null, undefined, { name: 42 }]) {
      expect(classifyCameraError(error)).toBeNull();
    }
  });
});

describe('camera outcome events', () => {
  it('each outcome has its own fixed event type, and only those are outcomes', () => {
    const types = CAMERA_OUTCOMES.map(cameraOutcomeEvent);
    expect(new Set(types).size).toBe(CAMERA_OUTCOMES.length);
    expect(types).toContain('critter-cam:camera-busy');
    expect(CAMERA_OUTCOMES.every(isCameraOutcome)).toBe(true);
    for (const value of ['Busy', 'busy ', 'toString', '__proto__', 1, null, {}]) expect(isCameraOutcome(value)).toBe(false);
  });
});
