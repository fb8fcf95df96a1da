// Stage 2, align: similarity fit from the human key points to the animal's canonical ones
// (src/animals/alignment.ts, the code the training data preparation uses too), then the
// crop at the generator's input size.
import type { Affine } from '../../src/geometry/affine';
import { alignFace } from '../../src/animals/alignment';
import type { AnimalDef } from '../../src/animals/animal';

export interface Placement {
  toCrop: Affine;
  toFrame: Affine;
}

export interface AlignStage {
  /** Where the face's canonical crop lies in this frame (cheap: a least-squares fit). */
  place(image: VideoFrame, landmarks: Float32Array): Placement;
  /** The crop's pixels at the generator's input size (only for the face being generated). */
  crop(image: VideoFrame, placement: Placement): ImageData;
}

export function buildAlignStage(options: { animal: AnimalDef; cropSize: number }): AlignStage {
  const { animal, cropSize } = options;
  const canvas = new OffscreenCanvas(cropSize, cropSize);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable in the worker');
  return {
    place(image, landmarks) {
      const { toCrop, toFrame } = alignFace({
        landmarks,
        width: image.displayWidth,
        height: image.displayHeight,
        animal,
        cropSize,
      });
      return { toCrop, toFrame };
    },
    crop(image, { toCrop }) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, cropSize, cropSize);
      ctx.setTransform(...toCrop);
      ctx.drawImage(image, 0, 0);
      return ctx.getImageData(0, 0, cropSize, cropSize);
    },
  };
}
