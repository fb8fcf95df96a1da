// The tracker worker: MediaPipe FaceLandmarker in VIDEO mode plus temporal smoothing per face
// (src/tracking/face-tracks.ts), on its own thread so that tracking the next frame overlaps
// with fusing this one.
import * as Comlink from 'comlink';
import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';
import { createFaceTracks, type FacesMode } from '../src/tracking/face-tracks';
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
let mode: FacesMode = 'largest';
let faceTracks = createFaceTracks(mode);
let lastTimestamp = -1;

/**
 * Faces the landmarker looks for. 'largest': two, so that the largest is chosen here
 * (src/tracking/pick-face.ts): with one, MediaPipe keeps whichever it found most confidently.
 * Costs ~3 ms. 'all': four. Either turns off MediaPipe's own smoothing, which face-tracks.ts
 * provides. With fewer faces in view than this the detector runs on every frame.
 */
const NUM_FACES: Record<FacesMode, number> = { largest: 2, all: 4 };

const api: TrackerApi = {
  async init(options: TrackStageOptions) {
    // useModule=true: the classic loader fails in a module worker ("ModuleFactory not set").
    const fileset = await FilesetResolver.forVisionTasks(options.wasmBase, true);
    await restoreModuleFactory(options.wasmBase);
    mode = options.faces;
    faceTracks = createFaceTracks(mode);
    landmarker = await FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: options.modelUrl, delegate: options.delegate },
      runningMode: 'VIDEO',
      numFaces: NUM_FACES[mode],
      outputFaceBlendshapes: true,
    });
  },

  warmUp() {
    if (!landmarker) throw new Error('tracker not started');
    // The first detection is much slower than the next ones (1.5-2 s here): pay it now, on a
    // blank frame, and leave the face state as it was.
    const blank = new OffscreenCanvas(640, 480);
    blank.getContext('2d')!.fillRect(0, 0, 640, 480);
    lastTimestamp += 1;
    landmarker.detectForVideo(blank, lastTimestamp);
  },

  async track(image: VideoFrame | ImageBitmap, timestampMs: number, faces: FacesMode): Promise<TrackResult> {
    if (!landmarker) throw new Error('tracker not started');
    if (faces !== mode) {
      // The setting changed during the call: applies from this frame (restarting the graph
      // takes a few hundred ms here, in this worker, while frames go on with held landmarks).
      mode = faces;
      faceTracks = createFaceTracks(mode);
      await landmarker.setOptions({ numFaces: NUM_FACES[mode] });
    }
    const started = performance.now();
    // FaceLandmarker needs strictly increasing timestamps in ms.
    const timestamp = Math.max(lastTimestamp + 1, Math.round(timestampMs));
    lastTimestamp = timestamp;
    const result = landmarker.detectForVideo(image, timestamp);
    image.close();
    const update = faceTracks.update(result.faceLandmarks, timestamp);
    const blendshapes: Record<string, number> = {};
    for (const category of result.faceBlendshapes[update.primary]?.categories ?? []) {
      blendshapes[category.categoryName] = category.score;
    }
    return {
      faces: update.faces,
      mode,
      faceFound: update.primary >= 0,
      blendshapes,
      ms: performance.now() - started,
    };
  },

  close() {
    landmarker?.close();
    landmarker = null;
  },
};

Comlink.expose(api);
