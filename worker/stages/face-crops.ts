// The latest generated crop of each face of one track. The generator is shared (by the faces
// of a track and by all tracks), so faces take turns: each frame the face whose crop is the
// oldest is generated, and every face is fused with its own latest crop, which lives in the
// canonical crop frame and so follows that face's fresh landmarks.
import type { GenerateStage } from './generate-stage';

interface Kept {
  crop: ImageBitmap;
  /** Crops of another generator (the look changed) have another size and look: never fused. */
  generator: GenerateStage;
  at: number;
}

export interface FaceCrops {
  /** This face's latest crop from this generator, or null. */
  latest(id: number, generator: GenerateStage): ImageBitmap | null;
  /** Keeps a fresh crop for a face (the previous one is closed). */
  store(id: number, generator: GenerateStage, crop: ImageBitmap): void;
  /** Which of these faces is due a fresh crop: one with none first, else the oldest. */
  due(ids: readonly number[], generator: GenerateStage): number;
  /** Closes the crops of faces no longer in view. */
  retain(ids: readonly number[]): void;
  close(): void;
}

export function createFaceCrops(): FaceCrops {
  const kept = new Map<number, Kept>();
  let closed = false;
  let stored = 0;
  const retain = (ids: readonly number[]) => {
    for (const [id, k] of kept) {
      if (ids.includes(id)) continue;
      k.crop.close();
      kept.delete(id);
    }
  };
  const current = (id: number, generator: GenerateStage) => {
    const k = kept.get(id);
    return k && k.generator === generator ? k : null;
  };
  return {
    latest: (id, generator) => current(id, generator)?.crop ?? null,
    store(id, generator, crop) {
      if (closed) {
        crop.close();
        return;
      }
      kept.get(id)?.crop.close();
      kept.set(id, { crop, generator, at: stored++ });
    },
    due(ids, generator) {
      let best = ids[0] ?? -1;
      let bestAt = Infinity;
      for (const id of ids) {
        const at = current(id, generator)?.at ?? -1;
        if (at < bestAt) {
          best = id;
          bestAt = at;
        }
      }
      return best;
    },
    retain,
    close() {
      closed = true;
      retain([]);
    },
  };
}
