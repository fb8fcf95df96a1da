// Wraps navigator.mediaDevices.getUserMedia and enumerateDevices: the page gets the same
// stream it asked for, its camera track replaced by a processed one (audio tracks pass
// untouched), and sees a "Critter Cam" camera beside each real one (virtual-camera.ts).
import { announceCameraOutcome, classifyCameraError } from '../shared/camera-outcome';
import { hasBreakoutBox } from './breakout-box';
import { createProcessedTrack } from './processed-track';
import { presentAsVirtual, routeVideoConstraints, withVirtualCameras } from './virtual-camera';

export function wrapGetUserMedia(mediaDevices: MediaDevices): void {
  const original = mediaDevices.getUserMedia.bind(mediaDevices);
  const originalEnumerate = mediaDevices.enumerateDevices.bind(mediaDevices);

  async function getUserMedia(constraints?: MediaStreamConstraints): Promise<MediaStream> {
    const routed = typeof constraints?.video === 'object' ? routeVideoConstraints(constraints.video) : null;
    let stream: MediaStream;
    try {
      stream = await original(routed ? { ...constraints, video: routed.video } : constraints);
    } catch (error) {
      // The popup of this tab explains a busy or refused camera; the page gets its error as it is.
      if (constraints?.video) announceCameraOutcome(classifyCameraError(error));
      throw error;
    }
    if (constraints?.video && stream.getVideoTracks().length > 0) announceCameraOutcome('started');
    if (!constraints?.video || !hasBreakoutBox()) return stream;
    try {
      const tracks = stream.getTracks().map((track) => {
        if (track.kind !== 'video') return track;
        // Virtual when the camera that opened is one the page asked for by its Critter Cam id.
        const virtualCamera = routed?.viaVirtual.has(track.getSettings().deviceId ?? '') ?? false;
        const processed = createProcessedTrack(track, { virtualCamera });
        return virtualCamera ? presentAsVirtual(processed) : processed;
      });
      return new MediaStream(tracks);
    } catch {
      // Whatever went wrong, the page keeps a working camera.
      return stream;
    }
  }

  async function enumerateDevices(): Promise<MediaDeviceInfo[]> {
    const devices = await originalEnumerate();
    try {
      return withVirtualCameras(devices);
    } catch {
      return devices;
    }
  }

  patch(mediaDevices, 'getUserMedia', getUserMedia, original);
  patch(mediaDevices, 'enumerateDevices', enumerateDevices, originalEnumerate);
}

/**
 * Replaces a MediaDevices method on the prototype, keeping the look of a native one (same
 * name, toString says [native code]); calls on another MediaDevices go to the native method.
 */
function patch<K extends 'getUserMedia' | 'enumerateDevices'>(
  mediaDevices: MediaDevices,
  name: K,
  replacement: MediaDevices[K],
  original: MediaDevices[K],
): void {
  const nativeToString = Function.prototype.toString.call(original);
  const native = MediaDevices.prototype[name] as (...args: unknown[]) => unknown;
  const wrapper = {
    [name](this: MediaDevices, ...args: unknown[]) {
      const target = this === mediaDevices ? replacement : native.bind(this);
      return (target as (...a: unknown[]) => unknown)(...args);
    },
  }[name]!;
  Object.defineProperty(wrapper, 'toString', { value: () => nativeToString });
  Object.defineProperty(MediaDevices.prototype, name, { value: wrapper, writable: true, configurable: true });
}
