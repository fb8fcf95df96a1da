import { describe, expect, it } from 'vitest';
import { createFaceTracks, type LandmarkPoint } from '../../../src/tracking/face-tracks';

/** A square "face" of landmarks centred at (cx, cy) with side s. */
const face = (cx: number, cy: number, s: number): LandmarkPoint[] => [
  { x: cx - s / 2, y: cy - s / 2, z: 0 },
  { x: cx + s / 2, y: cy - s / 2, z: 0 },
  { x: cx + s / 2, y: cy + s / 2, z: 0 },
  { x: cx - s / 2, y: cy + s / 2, z: 0 },
  { x: cx, y: cy, z: 0 },
];
const FRAME_MS = 33;
const centreX = (landmarks: Float32Array) => landmarks[4 * 3]!;

/** Runs frames through the tracks; `at(i)` gives frame i's raw faces. */
function run(tracks: ReturnType<typeof createFaceTracks>, frames: number, at: (i: number) => LandmarkPoint[][], start = 0) {
  let last = tracks.update([], start * FRAME_MS);
  for (let i = start; i < start + frames; i++) last = tracks.update(at(i), i * FRAME_MS);
  return last;
}

describe('face tracks', () => {
  it("'largest': one face, the largest, fading in", () => {
    const tracks = createFaceTracks('largest');
    const out = run(tracks, 20, () => [face(0.8, 0.5, 0.1), face(0.3, 0.5, 0.3)]);
    expect(out.faces).toHaveLength(1);
    expect(out.faces[0]!.alpha).toBe(1);
    expect(centreX(out.faces[0]!.landmarks)).toBeCloseTo(0.3, 3);
    expect(out.primary).toBe(1);
  });

  it("'all': every face, each with its own id, whatever order the tracker lists them in", () => {
    const tracks = createFaceTracks('all');
    const out = run(tracks, 20, (i) => (i % 2 ? [face(0.8, 0.5, 0.1), face(0.3, 0.5, 0.3)] : [face(0.3, 0.5, 0.3), face(0.8, 0.5, 0.1)]));
    expect(out.faces).toHaveLength(2);
    expect(out.faces.every((f) => f.alpha === 1)).toBe(true);
    const byId = new Map(out.faces.map((f) => [f.id, centreX(f.landmarks)]));
    expect([...byId.keys()]).toEqual([0, 1]);
    // Smoothing per person: neither face's landmarks were pulled towards the other's.
    expect(byId.get(0)).toBeCloseTo(0.3, 3);
    expect(byId.get(1)).toBeCloseTo(0.8, 3);
    expect(out.primary).toBe(1);
  });

  it("'all': a face that leaves fades out on its own while the other stays; it comes back as a new person", () => {
    const tracks = createFaceTracks('all');
    const both = () => [face(0.3, 0.5, 0.3), face(0.8, 0.5, 0.1)];
    run(tracks, 20, both);
    // The small face leaves: the detector still sees it for a few frames of hysteresis, then fades.
    let out = tracks.update([face(0.3, 0.5, 0.3)], 20 * FRAME_MS);
    expect(out.faces.map((f) => f.id)).toEqual([0, 1]);
    const alphas: number[] = [];
    for (let i = 21; i < 40; i++) {
      out = tracks.update([face(0.3, 0.5, 0.3)], i * FRAME_MS);
      alphas.push(out.faces.find((f) => f.id === 1)?.alpha ?? 0);
      expect(out.faces.find((f) => f.id === 0)?.alpha).toBe(1);
    }
    // Fades (not pops): some frames strictly between 0 and 1, then gone.
    expect(alphas.some((a) => a > 0 && a < 1)).toBe(true);
    expect(alphas.at(-1)).toBe(0);
    expect(out.faces.map((f) => f.id)).toEqual([0]);
    out = run(tracks, 10, both, 40);
    expect(out.faces.map((f) => f.id)).toEqual([0, 2]);
  });

  it('no face: nothing to draw, no primary', () => {
    for (const mode of ['largest', 'all'] as const) {
      const out = run(createFaceTracks(mode), 5, () => []);
      expect(out).toEqual({ faces: [], primary: -1 });
    }
  });
});
