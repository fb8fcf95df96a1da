// Stage 4, fuse: each face's generated crop (its alpha is the feathered animal-face mask) is
// warped back into the frame with that face's inverse transform and blended over it.
import type { Affine } from '../../src/geometry/affine';

export interface FuseLayer {
  crop: ImageBitmap;
  toFrame: Affine;
  opacity: number;
}

export interface FuseStage {
  /** The frame with the layers drawn over it in order; no layers: the frame as it is. */
  fuse(frame: ImageBitmap, layers: readonly FuseLayer[]): ImageBitmap;
}

export function buildFuseStage(): FuseStage {
  let canvas = new OffscreenCanvas(1, 1);
  let ctx = context(canvas);
  return {
    fuse(frame, layers) {
      if (canvas.width !== frame.width || canvas.height !== frame.height) {
        canvas = new OffscreenCanvas(frame.width, frame.height);
        ctx = context(canvas);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
      ctx.drawImage(frame, 0, 0);
      for (const { crop, toFrame, opacity } of layers) {
        if (opacity <= 0) continue;
        ctx.setTransform(...toFrame);
        ctx.globalAlpha = Math.min(1, opacity);
        ctx.drawImage(crop, 0, 0);
      }
      return canvas.transferToImageBitmap();
    },
  };
}

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new Error('2D canvas unavailable in the worker');
  ctx.imageSmoothingQuality = 'medium';
  return ctx;
}
