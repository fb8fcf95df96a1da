// The page's frame planes (engine-protocol's FramePixels) as the worker uses them: a
// VideoFrame to draw from and track, and a PlanarFrame to write the animal face into.
import { yuvMatrix, type PlanarFrame } from '../src/compositing/planar-frame';
import type { FramePixels } from '../extension/shared/engine-protocol';

/** A VideoFrame holding a copy of the planes (the planes themselves stay writable). */
export function videoFrameOf(pixels: FramePixels, timestampUs: number): VideoFrame {
  const init = {
    format: pixels.format,
    codedWidth: pixels.width,
    codedHeight: pixels.height,
    layout: pixels.layout,
    timestamp: timestampUs,
    colorSpace: pixels.matrix ? { matrix: pixels.matrix, fullRange: pixels.fullRange ?? false } : undefined,
  };
  return new VideoFrame(pixels.data, init as VideoFrameBufferInit);
}

export function planarOf(pixels: FramePixels): PlanarFrame {
  return {
    format: pixels.format,
    width: pixels.width,
    height: pixels.height,
    layout: pixels.layout,
    data: new Uint8Array(pixels.data),
    yuv: yuvMatrix(pixels.matrix, pixels.fullRange),
  };
}
