/** CRQC arrival curve: presets, interpolation, clamping, monotonicity, fixed-year (Mosca) mode. */
import { describe, expect, it } from 'vitest';
import { CRQC_PRESETS, crqcCurve, interpolate, pCrqcWithin } from '../../core/risk/crqc.js';
import type { CrqcSettings } from '../../core/risk/crqc.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('gri-2023 preset (default)', () => {
  it('hits the published points', () => {
    expect(pCrqcWithin(0)).toBe(0);
    expect(pCrqcWithin(5)).toBeCloseTo(0.11, 10);
    expect(pCrqcWithin(10)).toBeCloseTo(0.31, 10);
    expect(pCrqcWithin(15)).toBeCloseTo(0.33, 10);
  });
  it('interpolates linearly and holds the last value', () => {
    expect(pCrqcWithin(2.5)).toBeCloseTo(0.055, 10);
    expect(pCrqcWithin(7.5)).toBeCloseTo(0.21, 10);
    expect(pCrqcWithin(50)).toBeCloseTo(0.33, 10);
    expect(pCrqcWithin(-3)).toBe(0);
    expect(pCrqcWithin(Number.NaN)).toBe(0);
  });
  it('is monotone for every preset', () => {
    for (const preset of Object.keys(CRQC_PRESETS) as (keyof typeof CRQC_PRESETS)[]) {
      const c = crqcCurve({ kind: 'preset', preset }, NOW);
      let prev = -1;
      for (let t = -1; t <= 60; t += 0.25) {
        const p = c.pWithin(t);
        expect(p).toBeGreaterThanOrEqual(prev);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        prev = p;
      }
    }
  });
});

describe('pessimistic preset (GRI naming: lower likelihoods)', () => {
  it('gives 33 % within 15 years and interpolates from 0', () => {
    const s: CrqcSettings = { kind: 'preset', preset: 'pessimistic' };
    expect(pCrqcWithin(15, s)).toBeCloseTo(0.33, 10);
    expect(pCrqcWithin(10, s)).toBeCloseTo(0.22, 10);
    expect(pCrqcWithin(10, s)).toBeLessThan(pCrqcWithin(10));
  });
});

describe('custom points and fixed year', () => {
  it('implies (0,0), clamps to [0,1]', () => {
    expect(interpolate([[10, 0.5]], 5)).toBeCloseTo(0.25, 10);
    expect(interpolate([[0, 0.2], [10, 1]], 20)).toBe(1);
    expect(pCrqcWithin(5, { kind: 'points', points: [[5, 0.11], [10, 0.34]] })).toBeCloseTo(0.11, 10);
  });
  it('rejects decreasing or out-of-range points', () => {
    expect(() => crqcCurve({ kind: 'points', points: [[5, 0.5], [10, 0.4]] })).toThrow(/must not decrease/);
    expect(() => crqcCurve({ kind: 'points', points: [[5, 1.5]] })).toThrow(/\[0, 1\]/);
    expect(() => crqcCurve({ kind: 'points', points: [[5, 0.1], [5, 0.2]] })).toThrow(/increase strictly/);
  });
  it('fixed year: 0 before, 1 from that year on (Mosca)', () => {
    const s: CrqcSettings = { kind: 'fixed-year', year: 2035 };
    expect(pCrqcWithin(8.9, s, NOW)).toBe(0);
    expect(pCrqcWithin(9, s, NOW)).toBe(1);
    expect(pCrqcWithin(30, s, NOW)).toBe(1);
    expect(pCrqcWithin(0, { kind: 'fixed-year', year: 2020 }, NOW)).toBe(1);
  });
});
