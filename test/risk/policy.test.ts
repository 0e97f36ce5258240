/** Policy loading and validation: defaults, overrides, and one-line errors naming the bad key. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError, defaultPolicy, loadPolicy, parsePolicy } from '../../core/risk/policy.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-policy-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function err(text: string, name = 'policy.yaml'): string {
  try {
    parsePolicy(text, name);
  } catch (e: unknown) {
    expect(e).toBeInstanceOf(PolicyError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a PolicyError');
}

describe('defaultPolicy', () => {
  it('has every default category, GRI curve, thresholds, deadlines', () => {
    const p = defaultPolicy();
    expect(p.categories['health']?.lifetimeYears).toBe(6);
    expect(p.categories['financial']?.lifetimeYears).toBe(7);
    expect(p.categories['classified']?.lifetimeYears).toBe(25);
    expect(p.categories['unknown']?.lifetimeYears).toBe(5);
    expect(p.crqc).toEqual({ kind: 'preset', preset: 'gri-2023' });
    expect(p.thresholds).toEqual({ low: 1, medium: 10, high: 30, critical: 50 });
    expect(p.unknownKex).toBe('low');
    expect(p.deadlines.map((d) => d.date)).toEqual(['2027-01-01', '2031-01-01', '2036-01-01']);
  });
});

describe('loadPolicy', () => {
  it('loads YAML with overrides, new categories and declarations', () => {
    const p = loadPolicy(file('ok.yaml', [
      'categories:',
      '  health: 10',
      '  lab-notes: { lifetimeYears: 30, label: lab notebooks }',
      'unknownLifetimeYears: 3',
      'declarations:',
      '  - { server: "10.0.0.5:8080", category: health }',
      '  - { sni: "*.corp.example", category: lab-notes, lifetimeYears: 40 }',
      '  - { subnet: "10.20.0.0/16", port: 5432, category: financial }',
      'crqc: { fixedYear: 2035 }',
      'thresholds: { medium: 15, critical: 60 }',
      'unknownKex: assume-classical',
    ].join('\n')));
    expect(p.categories['health']?.lifetimeYears).toBe(10);
    expect(p.categories['lab-notes']?.label).toBe('lab notebooks');
    expect(p.categories['unknown']?.lifetimeYears).toBe(3);
    expect(p.declarations.map((d) => [d.kind, d.host, d.port])).toEqual([['server', '10.0.0.5', 8080], ['sni', '*.corp.example', null], ['subnet', null, 5432]]);
    expect(p.declarations[1]?.lifetimeYears).toBe(40);
    expect(p.crqc).toEqual({ kind: 'fixed-year', year: 2035 });
    expect(p.thresholds).toEqual({ low: 1, medium: 15, high: 30, critical: 60 });
    expect(p.unknownKex).toBe('assume-classical');
  });
  it('loads JSON and custom curve points', () => {
    const p = loadPolicy(file('p.json', JSON.stringify({ crqc: { points: [[5, 0.11], [10, 0.34]] } })));
    expect(p.crqc).toEqual({ kind: 'points', points: [[5, 0.11], [10, 0.34]] });
  });
  it('reports unreadable files and parse errors in one line', () => {
    expect(() => loadPolicy(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read .*ENOENT/);
    expect(() => loadPolicy(file('bad.json', '{ "crqc": '))).toThrow(/^bad\.json: cannot parse/);
    expect(err('categories: [1, 2\nfoo: : :')).toMatch(/^policy\.yaml: cannot parse/);
  });
});

describe('validation errors name the bad key', () => {
  it('category lifetime', () => {
    expect(err('categories:\n  health:\n    lifetimeYears: -1\n')).toBe('policy.yaml: categories.health.lifetimeYears must be a number >= 0');
    expect(err('categories:\n  health: "ten"\n')).toBe('policy.yaml: categories.health.lifetimeYears must be a number >= 0');
    expect(err('categories:\n  newcat: { label: x }\n')).toBe('policy.yaml: categories.newcat.lifetimeYears is required for a new category');
    expect(err('categories:\n  health: { lifetime: 3 }\n')).toMatch(/^policy\.yaml: categories\.health\.lifetime is not a known key/);
  });
  it('top-level keys', () => {
    expect(err('categorie: {}\n')).toMatch(/^policy\.yaml: categorie is not a known key/);
    expect(err('- 1\n- 2\n')).toMatch(/must be a mapping/);
  });
  it('declarations', () => {
    expect(err('declarations:\n  - { server: "10.0.0.5", category: nope }\n')).toMatch(/^policy\.yaml: declarations\[0\]\.category names an unknown category 'nope'/);
    expect(err('declarations:\n  - { category: health }\n')).toBe('policy.yaml: declarations[0] must have exactly one of: server, sni, subnet');
    expect(err('declarations:\n  - { subnet: "10.0.0.0/33", category: health }\n')).toMatch(/^policy\.yaml: declarations\[0\]\.subnet must be a CIDR/);
    expect(err('declarations:\n  - { server: "10.0.0.5:99999", category: health }\n')).toMatch(/^policy\.yaml: declarations\[0\]\.server must be/);
    expect(err('declarations:\n  - { sni: "a.b", port: 70000, category: health }\n')).toBe('policy.yaml: declarations[0].port must be an integer 0-65535');
  });
  it('crqc', () => {
    expect(err('crqc: { preset: doom }\n')).toBe('policy.yaml: crqc.preset must be one of: gri-2023, pessimistic');
    expect(err('crqc: { points: [[5, 0.3], [10, 0.2]] }\n')).toBe('policy.yaml: crqc.points[1] probability must not decrease (the curve is cumulative)');
    expect(err('crqc: { points: [[5, 1.3]] }\n')).toBe('policy.yaml: crqc.points[0] probability must be a number in [0, 1]');
    expect(err('crqc: { points: [5] }\n')).toBe('policy.yaml: crqc.points[0] must be [years, probability]');
    expect(err('crqc: { preset: gri-2023, fixedYear: 2030 }\n')).toBe('policy.yaml: crqc must have exactly one of: preset, points, fixedYear');
  });
  it('thresholds, levels, deadlines', () => {
    expect(err('thresholds: { medium: 40 }\n')).toBe('policy.yaml: thresholds must increase: low < medium < high < critical');
    expect(err('thresholds: { high: "x" }\n')).toBe('policy.yaml: thresholds.high must be a number > 0 and <= 100');
    expect(err('unknownKex: maybe\n')).toMatch(/^policy\.yaml: unknownKex must be one of: none, low, medium, high, critical, assume-classical/);
    expect(err('deadlines:\n  - { id: a, date: "2030-13-01", title: t, source: s, appliesTo: [classical] }\n')).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD that exists, not 2030-13-01');
    expect(err('deadlines:\n  - { id: a, date: "2030-01-01", title: t, source: s, appliesTo: [quantum] }\n')).toMatch(/^policy\.yaml: deadlines\[0\]\.appliesTo must be a list of/);
  });
});
