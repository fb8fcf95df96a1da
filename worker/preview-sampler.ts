// A small, recent picture of the processed video for the popup's live preview. The popup is
// an extension page: opening the camera there would need a second camera permission (for the
// extension's origin) and would show an unprocessed picture, so the engine publishes what it
// sends instead, a few times a second, with its status (chrome.storage.session).

export interface PreviewSampler {
  /** Whether a sample is due: then the caller hands one over with take(). */
  wants(): boolean;
  /** Draws (scaled down) and encodes this picture of the sent video; the caller closes it. */
  take(image: VideoFrame): void;
  /** JPEG data URL of the latest sample, or null when none is recent. */
  latest(): string | null;
}

export function createPreviewSampler({ width = 192, intervalMs = 400, maxAgeMs = 2000 } = {}): PreviewSampler {
  let canvas: OffscreenCanvas | null = null;
  let lastTaken = -Infinity;
  let encoding = false;
  let sample: { url: string; at: number } | null = null;

  async function encode(target: OffscreenCanvas, at: number) {
    try {
      // ~6 KB at 192x144: small enough to rewrite into session storage every second.
      const blob = await target.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      sample = { url: `data:image/jpeg;base64,${btoa(binary)}`, at };
    } finally {
      encoding = false;
    }
  }

  return {
    wants: () => !encoding && performance.now() - lastTaken >= intervalMs,
    take(image) {
      const now = performance.now();
      lastTaken = now;
      const height = Math.max(1, Math.round((width * image.displayHeight) / image.displayWidth));
      if (!canvas || canvas.height !== height) canvas = new OffscreenCanvas(width, height);
      canvas.getContext('2d')!.drawImage(image, 0, 0, width, height);
      encoding = true;
      void encode(canvas, now).catch(() => undefined);
    },
    latest() {
      return sample && performance.now() - sample.at < maxAgeMs ? sample.url : null;
    },
  };
}
