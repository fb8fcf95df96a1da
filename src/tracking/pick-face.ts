// Which face gets the effect when the camera sees several: the largest (the person at the
// camera), kept while it stays comparable in size, so two similar faces do not flip the
// effect back and forth between frames.

import { boxOf } from './associate-faces';

export interface FacePoint {
  x: number;
  y: number;
}

/** Area of a face's landmark bounding box, in frame units (normalised x times y). */
export function faceArea(face: readonly FacePoint[]): number {
  if (face.length === 0) return 0;
  const { x0, y0, x1, y1 } = boxOf(face);
  return (x1 - x0) * (y1 - y0);
}

export function faceCentre(face: readonly FacePoint[]): FacePoint {
  let x = 0;
  let y = 0;
  for (const p of face) {
    x += p.x;
    y += p.y;
  }
  return { x: x / face.length, y: y / face.length };
}

/** The face picked last time stays picked while its area is at least this share of the largest. */
const KEEP_SHARE = 0.8;

/**
 * Index of the face to process, or -1 when there is none. `previous` is the centre of the
 * face picked on the last frame: the face nearest to it is kept unless clearly smaller.
 */
export function pickFace(faces: readonly (readonly FacePoint[])[], previous: FacePoint | null): number {
  if (faces.length === 0) return -1;
  const areas = faces.map(faceArea);
  const largest = areas.indexOf(Math.max(...areas));
  if (!previous) return largest;
  let nearest = 0;
  let nearestDistance = Infinity;
  faces.forEach((face, i) => {
    const c = faceCentre(face);
    const d = Math.hypot(c.x - previous.x, c.y - previous.y);
    if (d < nearestDistance) {
      nearestDistance = d;
      nearest = i;
    }
  });
  return areas[nearest]! >= KEEP_SHARE * areas[largest]! ? nearest : largest;
}
