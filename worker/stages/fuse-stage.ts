// Stage 4, fuse: the generated crop (its alpha is the feathered animal-face mask) is warped
// back into the frame with the inverse transform and blended into the frame's own planes,
// only over the bounding box of the mask: the rest of the frame is never touched.
import { applyAffine, type Affine } from '../../src/geometry/affine';
import { blendPatch, type PlanarFrame } from '../../src/compositing/planar-frame';

export interface FuseStage {
  /** Blends the crop into the frame in place; `box` is the part of the crop the mask shows. */
  fuse(options: { frame: PlanarFrame; crop: ImageBitmap; box: readonly number[]; toFrame: Affine; opacity: number }): void;
}

export function buildFuseStage(): FuseStage {
  let canvas = new OffscreenCanvas(1, 1);
  let ctx = context(canvas);
  return {
    fuse({ frame, crop, box, toFrame, opacity }) {
      if (opacity <= 0) return;
      const [bx0, by0, bx1, by1] = box as [number, number, number, number];
      const corners = [[bx0, by0], [bx1, by0], [bx0, by1], [bx1, by1]].map((p) =>
        applyAffine(toFrame, p as [number, number]),
      );
      const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
      const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
      const x1 = Math.min(frame.width, Math.ceil(Math.max(...corners.map((p) => p[0]))));
      const y1 = Math.min(frame.height, Math.ceil(Math.max(...corners.map((p) => p[1]))));
      if (x1 <= x0 || y1 <= y0) return;
      const width = x1 - x0;
      const height = y1 - y0;
      if (canvas.width < width || canvas.height < height) {
        canvas = new OffscreenCanvas(Math.max(width, canvas.width), Math.max(height, canvas.height));
        ctx = context(canvas);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, width, height);
      const [a, b, c, d, e, f] = toFrame;
      ctx.setTransform(a, b, c, d, e - x0, f - y0);
      ctx.globalAlpha = Math.min(1, opacity);
      ctx.drawImage(crop, 0, 0);
      blendPatch(frame, { rgba: ctx.getImageData(0, 0, width, height).data, x: x0, y: y0, width, height });
    },
  };
}

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable in the worker');
  ctx.imageSmoothingQuality = 'medium';
  return ctx;
}
