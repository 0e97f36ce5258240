/** The switch forms of the rank tables agree with the tables (they are kept for hot loops). */
import { describe, expect, it } from 'vitest';
import { LEVEL_RANK, levelRank } from '../../core/report/format-util.js';
import { KEX_CLASSES, KEX_INDEX, kexIndex } from '../../core/tls/types.js';
import { RISK_LEVELS } from '../../core/risk/policy.js';

describe('rank switches', () => {
  it('levelRank(l) === LEVEL_RANK[l] for every risk level', () => {
    for (const l of RISK_LEVELS) expect(levelRank(l)).toBe(LEVEL_RANK[l]);
  });
  it('kexIndex(c) === KEX_INDEX[c] === position in KEX_CLASSES for every class', () => {
    KEX_CLASSES.forEach((c, i) => {
      expect(kexIndex(c)).toBe(KEX_INDEX[c]);
      expect(kexIndex(c)).toBe(i);
    });
  });
});
