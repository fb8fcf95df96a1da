// Stage 1, track, from the frame worker's side. FaceLandmarker runs in its own worker
// (tracker-worker.ts): a frame never waits for it. Each frame is fused with the freshest
// landmarks, while tracking of a newer frame goes on beside it, so on a 2-core machine the
// tracker (16-40 ms here) and the frame path (~10 ms) use both cores.
// CPU delegate unless the caller knows there is a real GPU: on a software GPU (SwiftShader)
// the GPU delegate is 10-20x slower (shared/README.md).
import * as Comlink from 'comlink';
import type { FacesMode, TrackedFace } from '../../src/tracking/face-tracks';

export interface TrackResult {
  /**
   * The faces to draw, each with 478*3 smoothed normalised landmarks (the last seen ones while
   * it fades out) and its fade: at most one with faces 'largest', up to four with 'all'.
   */
  faces: TrackedFace[];
  /** The face mode these faces were tracked in (ids start again when it changes). */
  mode: FacesMode;
  faceFound: boolean;
  blendshapes: Record<string, number>;
  /** Time the landmarker took for this result. */
  ms: number;
}

export interface TrackStageOptions {
  wasmBase: string;
  modelUrl: string;
  delegate: 'CPU' | 'GPU';
  /**
   * Frames wider than this are downscaled before tracking: the CPU delegate still uploads
   * every frame to WebGL and reads it back (glReadPixels, mediapipe#5377). Measured here:
   * 320 px instead of 640 px saves ~3 ms of ~39 ms, so the default keeps full detail.
   */
  maxWidth?: number;
  /** Face mode to start with; a track call with another mode switches it. */
  faces: FacesMode;
}

/** tracker-worker.ts's comlink API. */
export interface TrackerApi {
  init(options: TrackStageOptions): Promise<void>;
  track(image: VideoFrame | ImageBitmap, timestampMs: number, faces: FacesMode): Promise<TrackResult>;
  /** Runs one detection on a blank frame: a tracker made ahead of need is then fast from its first frame. */
  warmUp(): void;
  close(): void;
}

export interface TrackStage {
  /** Starts tracking this frame unless a run is going on; resolves when it is done or skipped. */
  submit(image: VideoFrame, timestampMs: number, faces: FacesMode): Promise<void>;
  latest(): TrackResult | null;
  /** Set when a run failed (the tracker worker died, say): the owner builds a new stage. */
  failure(): Error | null;
  /** See TrackerApi.warmUp. */
  warmUp(): Promise<void>;
  close(): void;
}

/**
 * Share of the time the tracker may run. On 2 cores the tracker, the frame path, the
 * generator and Chromium's own encoder share the CPU: when tracking is slow it rests in
 * between (16 ms alone -> every frame; 40 ms under load -> ~15 Hz), and the frames between
 * are fused with the held landmarks.
 */
const TRACK_DUTY = 0.6;

export async function buildTrackStage(options: TrackStageOptions): Promise<TrackStage> {
  const worker = new Worker(new URL('tracker-worker.js', self.location.href), {
    type: 'module',
    name: 'critter-cam-tracker',
  });
  const remote = Comlink.wrap<TrackerApi>(worker);
  try {
    await remote.init(options);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  let running: Promise<void> | null = null;
  let latest: TrackResult | null = null;
  let failure: Error | null = null;
  let lastEnd = -Infinity;

  async function copyFor(image: VideoFrame): Promise<VideoFrame | ImageBitmap> {
    const maxWidth = options.maxWidth ?? Infinity;
    // A clone shares the pixels: handing it to the tracker worker copies nothing.
    if (image.displayWidth <= maxWidth) return image.clone();
    return createImageBitmap(image, {
      resizeWidth: maxWidth,
      resizeHeight: Math.round((image.displayHeight * maxWidth) / image.displayWidth),
      resizeQuality: 'medium',
    });
  }

  return {
    submit(image, timestampMs, faces) {
      if (running) return running;
      const rest = latest ? (latest.ms * (1 - TRACK_DUTY)) / TRACK_DUTY : 0;
      if (performance.now() - lastEnd < rest) return Promise.resolve();
      // The frame worker keeps its frame for aligning: the tracker gets its own handle.
      running = copyFor(image)
        .then((copy) => remote.track(Comlink.transfer(copy, [copy]), timestampMs, faces))
        .then(
          (result) => {
            latest = result;
          },
          (error: Error) => {
            failure = error;
          },
        )
        .finally(() => {
          running = null;
          lastEnd = performance.now();
        });
      return running;
    },
    latest: () => latest,
    failure: () => failure,
    warmUp: () => remote.warmUp(),
    close() {
      void remote.close().catch(() => undefined);
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
