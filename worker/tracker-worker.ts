// The tracker worker: MediaPipe FaceLandmarker in VIDEO mode plus temporal smoothing, on
// its own thread so that tracking the next frame overlaps with fusing this one.
import * as Comlink from 'comlink';
import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';
import { createOneEuroFilter } from '../src/tracking/one-euro';
import { createFacePresence } from '../src/tracking/presence';
import { faceCentre, pickFace, type FacePoint } from '../src/tracking/pick-face';
import type { TrackerApi, TrackResult, TrackStageOptions } from './stages/track-stage';

/**
 * tasks-vision reads the WASM factory from self.ModuleFactory and clears it after use, while
 * the browser caches the loader module: a second landmarker (a restart after an error) would
 * find no factory. Import the loader ourselves and put the factory back.
 */
async function restoreModuleFactory(wasmBase: string): Promise<void> {
  const loader = (await import(/* @vite-ignore */ `${wasmBase}/vision_wasm_module_internal.js`)) as {
    default: unknown;
  };
  (self as unknown as { ModuleFactory: unknown }).ModuleFactory = loader.default;
}

let landmarker: FaceLandmarker | null = null;
// VIDEO mode already removes most jitter (~0.2 px); this filter removes what is left
// without lag on fast moves (beta is per normalised unit per second).
const smoother = createOneEuroFilter({ minCutoff: 1.5, beta: 4 });
const presence = createFacePresence();
let lastTimestamp = -1;
let held: Float32Array | null = null;
let pickedCentre: FacePoint | null = null;

const api: TrackerApi = {
  async init(options: TrackStageOptions) {
    // useModule=true: the classic loader fails in a module worker ("ModuleFactory not set").
    const fileset = await FilesetResolver.forVisionTasks(options.wasmBase, true);
    await restoreModuleFactory(options.wasmBase);
    landmarker = await FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: options.modelUrl, delegate: options.delegate },
      runningMode: 'VIDEO',
      // Two faces, so that the largest is chosen here (src/tracking/pick-face.ts): with one,
      // MediaPipe keeps whichever it found most confidently. Costs ~3 ms and turns off its own
      // smoothing, which the One Euro filter below provides.
      numFaces: 2,
      outputFaceBlendshapes: true,
    });
  },

  async track(image: VideoFrame | ImageBitmap, timestampMs: number): Promise<TrackResult> {
    if (!landmarker) throw new Error('tracker not started');
    const started = performance.now();
    // FaceLandmarker needs strictly increasing timestamps in ms.
    const timestamp = Math.max(lastTimestamp + 1, Math.round(timestampMs));
    lastTimestamp = timestamp;
    const result = landmarker.detectForVideo(image, timestamp);
    image.close();
    const picked = pickFace(result.faceLandmarks, pickedCentre);
    const face = picked >= 0 ? result.faceLandmarks[picked] : undefined;
    pickedCentre = face ? faceCentre(face) : null;
    const blendshapes: Record<string, number> = {};
    for (const category of result.faceBlendshapes[picked]?.categories ?? []) {
      blendshapes[category.categoryName] = category.score;
    }
    if (face) {
      const raw = new Float32Array(face.length * 3);
      face.forEach((p, i) => {
        raw[i * 3] = p.x;
        raw[i * 3 + 1] = p.y;
        raw[i * 3 + 2] = p.z;
      });
      held = Float32Array.from(smoother.filter(raw, timestamp));
    } else {
      smoother.reset();
    }
    const { alpha } = presence.update(Boolean(face), timestamp);
    if (alpha === 0) held = null;
    return { landmarks: held, alpha, faceFound: Boolean(face), blendshapes, ms: performance.now() - started };
  },

  close() {
    landmarker?.close();
    landmarker = null;
  },
};

Comlink.expose(api);
