// Stage 2, align: similarity fit from the human key points to the animal's canonical ones
// (src/animals/alignment.ts, the code the training data preparation uses too), then the
// crop at the generator's input size.
import type { Affine } from '../../src/geometry/affine';
import { alignFace } from '../../src/animals/alignment';
import type { AnimalDef } from '../../src/animals/animal';

export interface Aligned {
  toCrop: Affine;
  toFrame: Affine;
  /** The crop, when asked for: only frames the generator will take need it. */
  pixels: ImageData | null;
}

export interface AlignStage {
  align(image: VideoFrame, landmarks: Float32Array, options: { pixels: boolean }): Aligned;
}

export function buildAlignStage(options: { animal: AnimalDef; cropSize: number }): AlignStage {
  const { animal, cropSize } = options;
  const canvas = new OffscreenCanvas(cropSize, cropSize);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable in the worker');
  return {
    align(image, landmarks, { pixels }) {
      const { toCrop, toFrame } = alignFace({
        landmarks,
        width: image.displayWidth,
        height: image.displayHeight,
        animal,
        cropSize,
      });
      // Drawing converts the frame to RGB (a few ms): skipped while the generator is busy.
      if (!pixels) return { toCrop, toFrame, pixels: null };
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, cropSize, cropSize);
      ctx.setTransform(...toCrop);
      ctx.drawImage(image, 0, 0);
      return { toCrop, toFrame, pixels: ctx.getImageData(0, 0, cropSize, cropSize) };
    },
  };
}
