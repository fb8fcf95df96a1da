// Which face in this frame is which face of the last one, so that each person keeps their own
// smoothing and fade when several faces get the effect. The tracker lists faces in no stable
// order; a face moves little between two frames compared with its own size, so the nearest
// centre (gated by the faces' size) is the same person.

export interface FaceBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boxOf(face: readonly { x: number; y: number }[]): FaceBox {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of face) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}

/** Intersection over union of two boxes, 0..1. */
export function overlap(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Distance between two boxes' centres in units of their size (the larger of the two boxes'
 * widths and heights): 0 = same centre, 1 = one face size apart.
 */
export function centreDistance(a: FaceBox, b: FaceBox): number {
  const size = Math.max(a.x1 - a.x0, a.y1 - a.y0, b.x1 - b.x0, b.y1 - b.y0);
  const d = Math.hypot((a.x0 + a.x1 - b.x0 - b.x1) / 2, (a.y0 + a.y1 - b.y0 - b.y1) / 2);
  return size > 0 ? d / size : d === 0 ? 0 : Infinity;
}

/** A face further than this from every known face (in face sizes, see centreDistance) is a new one. */
export const MAX_MOVE = 0.75;

/**
 * For each face of this frame, the index of the previous face it continues, or -1 for a new
 * face. One-to-one: the closest pairs are matched first (ties broken by the larger overlap),
 * and a pair further apart than MAX_MOVE face sizes is never matched.
 */
export function associateFaces(previous: readonly FaceBox[], current: readonly FaceBox[]): number[] {
  const pairs: { prev: number; cur: number; distance: number; overlap: number }[] = [];
  previous.forEach((p, prev) =>
    current.forEach((c, cur) => {
      const distance = centreDistance(p, c);
      if (distance <= MAX_MOVE) pairs.push({ prev, cur, distance, overlap: overlap(p, c) });
    }),
  );
  pairs.sort((a, b) => a.distance - b.distance || b.overlap - a.overlap);
  const match = current.map(() => -1);
  const taken = new Set<number>();
  for (const { prev, cur } of pairs) {
    if (match[cur] !== -1 || taken.has(prev)) continue;
    match[cur] = prev;
    taken.add(prev);
  }
  return match;
}
