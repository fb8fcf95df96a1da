// From the landmarker's raw faces of each frame to the faces that get the effect, each with
// its smoothed landmarks and its fade. 'largest': one face, the largest (pick-face.ts), one
// smoother and one fade, as it always was. 'all': every face (up to the landmarker's limit),
// each person keeping their own smoother and fade across frames (associate-faces.ts), so one
// face turning away fades out alone while the others stay.
import { associateFaces, boxOf, type FaceBox } from './associate-faces';
import { createOneEuroFilter, type OneEuroFilter } from './one-euro';
import { faceCentre, pickFace, type FacePoint } from './pick-face';
import { createFacePresence, type FacePresence } from './presence';

export type FacesMode = 'largest' | 'all';

export interface LandmarkPoint {
  x: number;
  y: number;
  z: number;
}

export interface TrackedFace {
  /** Stable for as long as the person stays in view (and while their effect fades out). */
  id: number;
  /** Smoothed normalised landmarks, x y z per point; the last seen ones while fading out. */
  landmarks: Float32Array;
  /** 0..1: how much of the effect to draw on this face. */
  alpha: number;
}

export interface FaceTracksUpdate {
  /** Faces to draw (alpha > 0), ordered by id. */
  faces: TrackedFace[];
  /** Index into this frame's raw faces of the main (largest) face, -1 when none. */
  primary: number;
}

export interface FaceTracks {
  update(raw: readonly (readonly LandmarkPoint[])[], timestampMs: number): FaceTracksUpdate;
}

/** VIDEO mode already removes most jitter (~0.2 px); this removes what is left without lag on fast moves. */
const SMOOTHING = { minCutoff: 1.5, beta: 4 } as const;

function flatten(face: readonly LandmarkPoint[]): Float32Array {
  const out = new Float32Array(face.length * 3);
  face.forEach((p, i) => {
    out[i * 3] = p.x;
    out[i * 3 + 1] = p.y;
    out[i * 3 + 2] = p.z;
  });
  return out;
}

interface Identity {
  id: number;
  box: FaceBox;
  smoother: OneEuroFilter;
  presence: FacePresence;
  held: Float32Array | null;
  alpha: number;
}

function newIdentity(id: number, box: FaceBox): Identity {
  return { id, box, smoother: createOneEuroFilter(SMOOTHING), presence: createFacePresence(), held: null, alpha: 0 };
}

/** Feeds one identity this frame's face (or its absence) and returns what to draw, if anything. */
function step(identity: Identity, face: readonly LandmarkPoint[] | undefined, timestampMs: number): TrackedFace | null {
  if (face) {
    identity.held = Float32Array.from(identity.smoother.filter(flatten(face), timestampMs));
  } else {
    identity.smoother.reset();
  }
  identity.alpha = identity.presence.update(Boolean(face), timestampMs).alpha;
  if (identity.alpha === 0) identity.held = null;
  return identity.held ? { id: identity.id, landmarks: identity.held, alpha: identity.alpha } : null;
}

export function createFaceTracks(mode: FacesMode): FaceTracks {
  return mode === 'all' ? createAllFaceTracks() : createLargestFaceTrack();
}

function createLargestFaceTrack(): FaceTracks {
  const only = newIdentity(0, { x0: 0, y0: 0, x1: 0, y1: 0 });
  let pickedCentre: FacePoint | null = null;
  return {
    update(raw, timestampMs) {
      const primary = pickFace(raw, pickedCentre);
      const face = primary >= 0 ? raw[primary] : undefined;
      pickedCentre = face ? faceCentre(face) : null;
      const drawn = step(only, face, timestampMs);
      return { faces: drawn ? [drawn] : [], primary };
    },
  };
}

function createAllFaceTracks(): FaceTracks {
  let identities: Identity[] = [];
  let nextId = 0;
  return {
    update(raw, timestampMs) {
      const boxes = raw.map(boxOf);
      const match = associateFaces(
        identities.map((identity) => identity.box),
        boxes,
      );
      const faceOf = new Map<Identity, readonly LandmarkPoint[]>();
      raw.forEach((face, i) => {
        let identity = identities[match[i]!];
        if (!identity) {
          identity = newIdentity(nextId++, boxes[i]!);
          identities.push(identity);
        }
        identity.box = boxes[i]!;
        faceOf.set(identity, face);
      });
      const faces: TrackedFace[] = [];
      for (const identity of identities) {
        const drawn = step(identity, faceOf.get(identity), timestampMs);
        if (drawn) faces.push(drawn);
      }
      // A person gone for good (faded out, or never shown) is forgotten; one still in view stays.
      identities = identities.filter((identity) => identity.alpha > 0 || faceOf.has(identity));
      return { faces, primary: pickFace(raw, null) };
    },
  };
}
