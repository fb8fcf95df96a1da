import { describe, expect, it } from 'vitest';
import { associateFaces, boxOf, centreDistance, MAX_MOVE, overlap, type FaceBox } from '../../../src/tracking/associate-faces';

/** A face box centred at (cx, cy) with side s. */
const box = (cx: number, cy: number, s: number): FaceBox => ({ x0: cx - s / 2, y0: cy - s / 2, x1: cx + s / 2, y1: cy + s / 2 });

describe('associateFaces', () => {
  it('measures boxes, overlap and centre distance', () => {
    expect(boxOf([{ x: 0.2, y: 0.3 }, { x: 0.4, y: 0.1 }, { x: 0.3, y: 0.5 }])).toEqual({ x0: 0.2, y0: 0.1, x1: 0.4, y1: 0.5 });
    expect(overlap(box(0.5, 0.5, 0.2), box(0.5, 0.5, 0.2))).toBeCloseTo(1);
    expect(overlap(box(0.5, 0.5, 0.2), box(0.6, 0.5, 0.2))).toBeCloseTo(1 / 3);
    expect(overlap(box(0.2, 0.5, 0.2), box(0.8, 0.5, 0.2))).toBe(0);
    expect(centreDistance(box(0.5, 0.5, 0.2), box(0.6, 0.5, 0.2))).toBeCloseTo(0.5);
  });

  it('keeps each face with its person when the tracker lists them in another order', () => {
    const before = [box(0.3, 0.5, 0.2), box(0.7, 0.5, 0.15)];
    const now = [box(0.71, 0.51, 0.15), box(0.31, 0.49, 0.2)];
    expect(associateFaces(before, now)).toEqual([1, 0]);
  });

  it('calls a face new when nobody was near it, and forgets nobody by mistake', () => {
    const before = [box(0.3, 0.5, 0.2)];
    const now = [box(0.8, 0.2, 0.1), box(0.32, 0.5, 0.2)];
    expect(associateFaces(before, now)).toEqual([-1, 0]);
    expect(associateFaces([], now)).toEqual([-1, -1]);
    expect(associateFaces(before, [])).toEqual([]);
  });

  it('matches one to one: two new faces near one old face, the nearer one continues it', () => {
    const before = [box(0.5, 0.5, 0.2)];
    const now = [box(0.58, 0.5, 0.2), box(0.52, 0.5, 0.2)];
    expect(associateFaces(before, now)).toEqual([-1, 0]);
  });

  it('does not match a face that jumped further than MAX_MOVE face sizes', () => {
    const s = 0.2;
    const near = box(0.3 + (MAX_MOVE - 0.05) * s, 0.5, s);
    const far = box(0.3 + (MAX_MOVE + 0.05) * s, 0.5, s);
    expect(associateFaces([box(0.3, 0.5, s)], [near])).toEqual([0]);
    expect(associateFaces([box(0.3, 0.5, s)], [far])).toEqual([-1]);
  });

  it('follows two people who cross paths, frame by frame', () => {
    // A walks right, B walks left, at the same height; small steps per frame.
    let known = [box(0.2, 0.5, 0.2), box(0.8, 0.5, 0.2)];
    const ids = [0, 1];
    for (let step = 1; step <= 10; step++) {
      const a = box(0.2 + step * 0.02, 0.5, 0.2);
      const b = box(0.8 - step * 0.02, 0.5, 0.2);
      const listed = step % 2 ? [b, a] : [a, b];
      const match = associateFaces(known, listed);
      const idOf = match.map((m) => ids[m]);
      expect(idOf).toEqual(step % 2 ? [1, 0] : [0, 1]);
      known = step % 2 ? [a, b] : listed;
    }
  });
});
