// Stage 3 from the frame worker's side: the generator runs in its own worker (its own core),
// so tracking and fusing the next frame go on while it computes. When a run is fast enough
// for the frame budget the frame waits for it; otherwise the frame is fused with the latest
// generated crop, which is already in the canonical (aligned) frame, so warping it with the
// fresh landmarks keeps it on the face (issue: adaptive quality).
import * as Comlink from 'comlink';
import type { Backend, GeneratorApi, GeneratorInfo, LookRef } from '../worker-api';

export interface GenerateStage {
  info: GeneratorInfo;
  /** Starts a run on this crop unless one is running; resolves when the crop is ready or skipped. */
  submit(pixels: ImageData): Promise<void>;
  /** A run is going on: a crop submitted now would be skipped. */
  busy(): boolean;
  /** Resolves when the current run (if any) is done. */
  current(): Promise<void> | null;
  /** Whether a frame can afford to wait for the generator (its recent runs fit the budget). */
  inBudget(): boolean;
  latest(): ImageBitmap | null;
  lastRunMs(): number;
  /** Finished runs so far: a new value means a freshly generated crop. */
  runs(): number;
  /** Generated crops per second over the last two seconds (target: >= 20). */
  refreshHz(): number;
  dispose(): void;
}

/** A run that fits this keeps the frame synchronous with its own generated face. */
const WAIT_BUDGET_MS = 12;

export async function buildGenerateStage(options: {
  workerUrl: string;
  look: LookRef;
  preferred: Backend | 'auto';
}): Promise<GenerateStage> {
  const worker = new Worker(options.workerUrl, { type: 'module', name: 'critter-cam-generator' });
  const remote = Comlink.wrap<GeneratorApi>(worker);
  let info: GeneratorInfo;
  try {
    info = await remote.load(options.look, options.preferred);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  let running: Promise<void> | null = null;
  let latest: ImageBitmap | null = null;
  let runMs = Infinity;
  let runs = 0;
  const finishedAt: number[] = [];

  return {
    info,
    submit(pixels) {
      if (running) return running;
      const buffer = pixels.data.buffer as ArrayBuffer;
      running = remote
        .run(Comlink.transfer(buffer, [buffer]))
        .then(({ crop, ms }) => {
          latest?.close();
          latest = crop;
          runMs = ms;
          runs++;
          const now = performance.now();
          finishedAt.push(now);
          while (finishedAt.length > 0 && finishedAt[0]! < now - 2000) finishedAt.shift();
        })
        .finally(() => {
          running = null;
        });
      return running;
    },
    busy: () => running !== null,
    current: () => running,
    inBudget: () => runMs <= WAIT_BUDGET_MS,
    latest: () => latest,
    lastRunMs: () => runMs,
    runs: () => runs,
    refreshHz() {
      const now = performance.now();
      return finishedAt.filter((t) => t > now - 2000).length / 2;
    },
    dispose() {
      latest?.close();
      latest = null;
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
