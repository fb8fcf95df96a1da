// A camera VideoFrame to and from the planes the engine works on (src/compositing/planar-frame.ts).
import { isPlanarFormat } from '../../src/compositing/planar-frame';
import type { FramePixels } from '../shared/engine-protocol';

/**
 * The frame's visible pixels in its own format when the engine can write into it (I420, NV12,
 * packed RGB), else converted to RGBA by copyTo; null when the browser cannot copy it at all
 * (the frame then passes through untouched).
 */
export async function readPixels(frame: VideoFrame): Promise<FramePixels | null> {
  const own = isPlanarFormat(frame.format);
  const options: VideoFrameCopyToOptions = own ? {} : ({ format: 'RGBA' } as VideoFrameCopyToOptions);
  try {
    const data = new ArrayBuffer(frame.allocationSize(options));
    const layout = await frame.copyTo(data, options);
    const { width, height } = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
    return {
      format: own ? (frame.format as FramePixels['format']) : 'RGBA',
      width,
      height,
      layout: layout.map(({ offset, stride }) => ({ offset, stride })),
      data,
      matrix: own ? (frame.colorSpace.matrix ?? null) : null,
      fullRange: own ? (frame.colorSpace.fullRange ?? null) : null,
    };
  } catch {
    return null;
  }
}

/** The processed planes as a new frame with the camera frame's timing, size and colour space. */
export function frameFromPixels(pixels: FramePixels, data: ArrayBuffer, camera: VideoFrame): VideoFrame {
  const init = {
    format: pixels.format,
    codedWidth: pixels.width,
    codedHeight: pixels.height,
    layout: pixels.layout,
    timestamp: camera.timestamp,
    duration: camera.duration ?? undefined,
    displayWidth: camera.displayWidth,
    displayHeight: camera.displayHeight,
    // Frames copyTo converted to RGBA are sRGB, whatever the camera's own colour space.
    colorSpace: isPlanarFormat(camera.format) ? camera.colorSpace.toJSON() : undefined,
    // Hands the buffer over instead of copying it (Chromium 120+; older ones copy).
    transfer: [data],
  };
  return new VideoFrame(data, init as VideoFrameBufferInit);
}
