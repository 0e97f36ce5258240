/**
 * Risk policy: category lifetimes, declarations (the strongest evidence: a server, SNI glob or
 * subnet declared to carry a category), the CRQC curve, level thresholds, how unknown key
 * exchanges are rated, and deadlines. Loaded from YAML or JSON; every error is one line that
 * names the file and the bad key, e.g. "policy.yaml: categories.health.lifetimeYears must be a
 * number >= 0". Text quoted from the file is clipped to a few dozen printable characters (clip),
 * so a binary file given as a policy still gives a short line. The file must hold a mapping: an
 * empty file (or only comments) is an error, write {} for the default policy.
 *
 * File shape (all keys optional, dates must exist in the calendar):
 *   categories: { health: 10, my-lab: { lifetimeYears: 30, label: "lab notebooks" } }
 *   unknownLifetimeYears: 5
 *   declarations:
 *     - { server: "10.0.0.5:8080", category: health }
 *     - { sni: "*.corp.example", category: source-code, lifetimeYears: 15 }
 *     - { subnet: "10.20.0.0/16", port: 5432, category: financial }
 *   crqc: { preset: gri-2023 } | { points: [[5, 0.11], [10, 0.31]] } | { fixedYear: 2035 }
 *   thresholds: { low: 1, medium: 10, high: 30, critical: 50 }
 *   unknownKex: low            # none|low|medium|high|critical|assume-classical
 *   legacyHybrid: low          # level for legacy Kyber drafts / malformed ML-KEM shares
 *   deadlines: [{ id, date: YYYY-MM-DD, title, source, appliesTo: [classical], exemptGroups: [] }]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { clip, isMapping, readPolicyText } from '../util/yaml.js';
import type { RiskLevel } from '../report/model.js';
import type { KexClass } from '../tls/types.js';
import { KEX_CLASSES } from '../tls/types.js';
import { DEFAULT_CATEGORIES, DEFAULT_CATEGORY } from './categories.js';
import { CRQC_PRESETS, DEFAULT_CRQC, checkPoints } from './crqc.js';
import type { CrqcPoint, CrqcPreset, CrqcSettings } from './crqc.js';
import { DEFAULT_DEADLINES } from './deadlines.js';
import type { Deadline } from './deadlines.js';
import { parseCidr, parseHostPort } from './match.js';
import type { Cidr } from './match.js';

export interface PolicyCategory { lifetimeYears: number; label: string; basis: string }

export interface Declaration {
  kind: 'server' | 'sni' | 'subnet';
  /** the text as written in the policy */
  pattern: string;
  /** server: host / IP; sni: glob */
  host: string | null;
  port: number | null;
  cidr: Cidr | null;
  category: string;
  lifetimeYears: number | null;
  note: string | null;
}

export interface Thresholds { low: number; medium: number; high: number; critical: number }

export interface Policy {
  /** file the policy came from, null for the built-in default */
  source: string | null;
  categories: Record<string, PolicyCategory>;
  declarations: Declaration[];
  crqc: CrqcSettings;
  thresholds: Thresholds;
  unknownKex: RiskLevel | 'assume-classical';
  legacyHybrid: RiskLevel;
  deadlines: Deadline[];
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/**
 * Default thresholds on the 0-100 score (= 100 × P(CRQC before the secret expires)):
 *  low ≥ 1       any non-negligible chance;
 *  medium ≥ 10   about the GRI 2023 5-year probability (11 %): secrets that must outlive ~5 years;
 *  high ≥ 30     about the GRI 2023 10-year probability (31 %): secrets that must outlive ~10 years;
 *  critical ≥ 50 more likely than not (plaintext, a fixed CRQC year, or a steeper custom curve).
 */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ low: 1, medium: 10, high: 30, critical: 50 });

export const RISK_LEVELS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];

export function defaultPolicy(): Policy {
  // no prototype: a category named e.g. "constructor" is an ordinary name, never Object's
  const categories: Record<string, PolicyCategory> = Object.create(null) as Record<string, PolicyCategory>;
  for (const [id, c] of Object.entries(DEFAULT_CATEGORIES)) {
    categories[id] = { lifetimeYears: c.lifetimeYears, label: c.label, basis: c.basis };
  }
  return {
    source: null,
    categories,
    declarations: [],
    crqc: DEFAULT_CRQC,
    thresholds: { ...DEFAULT_THRESHOLDS },
    unknownKex: 'low',
    legacyHybrid: 'low',
    deadlines: DEFAULT_DEADLINES.map((d) => ({ ...d, appliesTo: [...d.appliesTo], ...(d.exemptGroups ? { exemptGroups: [...d.exemptGroups] } : {}) })),
  };
}

type Obj = Record<string, unknown>;

const isObj = isMapping;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const KEX: readonly KexClass[] = KEX_CLASSES;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

class Checker {
  constructor(private readonly file: string) {}
  fail(path: string, msg: string): never {
    throw new PolicyError(`${this.file}: ${path} ${msg}`.replace(/\s+/g, ' '));
  }
  keys(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(path === '' ? clip(k) : `${path}.${clip(k)}`, `is not a known key (expected one of: ${allowed.join(', ')})`);
    }
  }
  obj(v: unknown, path: string): Obj {
    return isObj(v) ? v : this.fail(path, 'must be a mapping');
  }
  years(v: unknown, path: string): number {
    return isNum(v) && v >= 0 && v <= 1000 ? v : this.fail(path, 'must be a number >= 0');
  }
  str(v: unknown, path: string): string {
    return typeof v === 'string' && v.length > 0 ? v : this.fail(path, 'must be a non-empty string');
  }
  level(v: unknown, path: string, extra: readonly string[] = []): string {
    const ok = [...RISK_LEVELS, ...extra];
    return typeof v === 'string' && ok.includes(v) ? v : this.fail(path, `must be one of: ${ok.join(', ')}`);
  }
}

function categoryEntry(c: Checker, v: unknown, path: string, base: PolicyCategory | undefined): PolicyCategory {
  if (isNum(v) || typeof v !== 'object') {
    const lifetimeYears = c.years(v, `${path}.lifetimeYears`);
    if (base === undefined) return { lifetimeYears, label: path.split('.').pop() ?? '', basis: 'policy file' };
    return { ...base, lifetimeYears, basis: `policy file (default ${base.lifetimeYears}: ${base.basis})` };
  }
  const o = c.obj(v, path);
  c.keys(o, path, ['lifetimeYears', 'label', 'basis']);
  if (o['lifetimeYears'] === undefined && base === undefined) c.fail(`${path}.lifetimeYears`, 'is required for a new category');
  const lifetimeYears = o['lifetimeYears'] === undefined ? (base?.lifetimeYears ?? 0) : c.years(o['lifetimeYears'], `${path}.lifetimeYears`);
  const label = o['label'] === undefined ? (base?.label ?? path.split('.').pop() ?? '') : c.str(o['label'], `${path}.label`);
  const basis = o['basis'] === undefined ? (base === undefined ? 'policy file' : `policy file (default ${base.lifetimeYears}: ${base.basis})`) : c.str(o['basis'], `${path}.basis`);
  return { lifetimeYears, label, basis };
}

function declaration(c: Checker, v: unknown, path: string, categories: Record<string, PolicyCategory>): Declaration {
  const o = c.obj(v, path);
  c.keys(o, path, ['server', 'sni', 'subnet', 'port', 'category', 'lifetimeYears', 'note']);
  const kinds = (['server', 'sni', 'subnet'] as const).filter((k) => o[k] !== undefined);
  const kind = kinds[0];
  if (kind === undefined || kinds.length !== 1) c.fail(path, 'must have exactly one of: server, sni, subnet');
  const pattern = c.str(o[kind], `${path}.${kind}`);
  const category = c.str(o['category'], `${path}.category`);
  if (!Object.prototype.hasOwnProperty.call(categories, category)) {
    c.fail(`${path}.category`, `names an unknown category '${clip(category)}' (define it under categories)`);
  }
  let port: number | null = null;
  if (o['port'] !== undefined) {
    if (kind === 'server') c.fail(`${path}.port`, 'is not allowed with server (write server: "host:port")');
    const p = o['port'];
    port = isNum(p) && Number.isInteger(p) && p >= 0 && p <= 65535 ? p : c.fail(`${path}.port`, 'must be an integer 0-65535');
  }
  let host: string | null = null;
  let cidr: Cidr | null = null;
  if (kind === 'server') {
    const hp = parseHostPort(pattern) ?? c.fail(`${path}.server`, 'must be host, IP, host:port, IP:port or [IPv6]:port');
    host = hp.host;
    port = hp.port;
  } else if (kind === 'sni') {
    if (!/^[A-Za-z0-9*._-]+$/.test(pattern)) c.fail(`${path}.sni`, 'must be a host name glob such as *.example.com');
    host = pattern;
  } else {
    cidr = parseCidr(pattern) ?? c.fail(`${path}.subnet`, 'must be a CIDR subnet such as 10.0.0.0/8 or 2001:db8::/32');
  }
  const lifetimeYears = o['lifetimeYears'] === undefined ? null : c.years(o['lifetimeYears'], `${path}.lifetimeYears`);
  const note = o['note'] === undefined ? null : c.str(o['note'], `${path}.note`);
  return { kind, pattern, host, port, cidr, category, lifetimeYears, note };
}

function crqcSettings(c: Checker, v: unknown): CrqcSettings {
  const o = c.obj(v, 'crqc');
  c.keys(o, 'crqc', ['preset', 'points', 'fixedYear']);
  const given = (['preset', 'points', 'fixedYear'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) c.fail('crqc', 'must have exactly one of: preset, points, fixedYear');
  if (o['preset'] !== undefined) {
    const p = o['preset'];
    if (typeof p !== 'string' || !Object.prototype.hasOwnProperty.call(CRQC_PRESETS, p)) {
      c.fail('crqc.preset', `must be one of: ${Object.keys(CRQC_PRESETS).join(', ')}`);
    }
    return { kind: 'preset', preset: p as CrqcPreset };
  }
  if (o['fixedYear'] !== undefined) {
    const y = o['fixedYear'];
    return isNum(y) && y >= 1900 && y <= 3000 ? { kind: 'fixed-year', year: y } : c.fail('crqc.fixedYear', 'must be a year such as 2035');
  }
  const pts = o['points'];
  if (!Array.isArray(pts) || pts.length === 0) c.fail('crqc.points', 'must be a non-empty list of [years, probability]');
  const points: CrqcPoint[] = pts.map((p: unknown, i: number) => {
    if (!Array.isArray(p) || p.length !== 2 || !isNum(p[0]) || !isNum(p[1])) c.fail(`crqc.points[${i}]`, 'must be [years, probability]');
    return [p[0] as number, p[1] as number] as const;
  });
  const problem = checkPoints(points);
  if (problem !== null) {
    const m = /^point (\d+): (.*)$/.exec(problem);
    c.fail(m === null ? 'crqc.points' : `crqc.points[${m[1] ?? ''}]`, m === null ? problem : (m[2] ?? problem));
  }
  return { kind: 'points', points };
}

function thresholds(c: Checker, v: unknown, base: Thresholds): Thresholds {
  const o = c.obj(v, 'thresholds');
  c.keys(o, 'thresholds', ['low', 'medium', 'high', 'critical']);
  const t = { ...base };
  for (const k of ['low', 'medium', 'high', 'critical'] as const) {
    const x = o[k];
    if (x === undefined) continue;
    t[k] = isNum(x) && x > 0 && x <= 100 ? x : c.fail(`thresholds.${k}`, 'must be a number > 0 and <= 100');
  }
  if (!(t.low < t.medium && t.medium < t.high && t.high < t.critical)) {
    c.fail('thresholds', 'must increase: low < medium < high < critical');
  }
  return t;
}

/** YYYY-MM-DD naming a real day: Date.parse would roll 2025-02-30 over to March 2 */
function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return false;
  const t = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() + 1 === Number(m[2]) && t.getUTCDate() === Number(m[3]);
}

function deadlines(c: Checker, v: unknown): Deadline[] {
  if (!Array.isArray(v)) c.fail('deadlines', 'must be a list');
  return v.map((d: unknown, i: number) => {
    const path = `deadlines[${i}]`;
    const o = c.obj(d, path);
    c.keys(o, path, ['id', 'date', 'title', 'source', 'appliesTo', 'exemptGroups']);
    const date = c.str(o['date'], `${path}.date`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) c.fail(`${path}.date`, 'must be a date YYYY-MM-DD');
    if (!isCalendarDate(date)) c.fail(`${path}.date`, `must be a date YYYY-MM-DD that exists, not ${date}`);
    const at = o['appliesTo'];
    if (!Array.isArray(at) || at.some((k) => typeof k !== 'string' || !KEX.includes(k as KexClass))) {
      c.fail(`${path}.appliesTo`, `must be a list of: ${KEX.join(', ')}`);
    }
    const ex = o['exemptGroups'];
    if (ex !== undefined && (!Array.isArray(ex) || ex.some((g) => typeof g !== 'string'))) c.fail(`${path}.exemptGroups`, 'must be a list of group names');
    return {
      id: c.str(o['id'], `${path}.id`), date, title: c.str(o['title'], `${path}.title`), source: c.str(o['source'], `${path}.source`),
      appliesTo: at as KexClass[], ...(ex === undefined ? {} : { exemptGroups: ex as string[] }),
    };
  });
}

const TOP_KEYS = ['version', 'categories', 'unknownLifetimeYears', 'declarations', 'crqc', 'thresholds', 'unknownKex', 'legacyHybrid', 'deadlines'] as const;

/** validates a parsed policy document (`name` labels errors) and merges it over the defaults */
export function validatePolicy(doc: unknown, name = 'policy'): Policy {
  const c: Checker = new Checker(name);
  const p = defaultPolicy();
  if (!isObj(doc)) throw new PolicyError(`${name}: the document must be a mapping of policy keys`);
  c.keys(doc, '', TOP_KEYS);
  if (doc['version'] !== undefined && doc['version'] !== 1) c.fail('version', 'must be 1');
  if (doc['categories'] !== undefined) {
    const cats = c.obj(doc['categories'], 'categories');
    for (const [id, v] of Object.entries(cats)) {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) c.fail(`categories.${clip(id)}`, 'must be a lower-case id (a-z, 0-9, - and _)');
      p.categories[id] = categoryEntry(c, v, `categories.${id}`, p.categories[id]);
    }
  }
  if (doc['unknownLifetimeYears'] !== undefined) {
    const base = p.categories[DEFAULT_CATEGORY];
    const y = c.years(doc['unknownLifetimeYears'], 'unknownLifetimeYears');
    p.categories[DEFAULT_CATEGORY] = { label: base?.label ?? 'unknown content', lifetimeYears: y, basis: 'policy file: unknownLifetimeYears' };
  }
  if (doc['declarations'] !== undefined) {
    const ds = doc['declarations'];
    if (!Array.isArray(ds)) c.fail('declarations', 'must be a list');
    p.declarations = ds.map((d: unknown, i: number) => declaration(c, d, `declarations[${i}]`, p.categories));
  }
  if (doc['crqc'] !== undefined) p.crqc = crqcSettings(c, doc['crqc']);
  if (doc['thresholds'] !== undefined) p.thresholds = thresholds(c, doc['thresholds'], p.thresholds);
  if (doc['unknownKex'] !== undefined) p.unknownKex = c.level(doc['unknownKex'], 'unknownKex', ['assume-classical']) as Policy['unknownKex'];
  if (doc['legacyHybrid'] !== undefined) p.legacyHybrid = c.level(doc['legacyHybrid'], 'legacyHybrid') as RiskLevel;
  if (doc['deadlines'] !== undefined) p.deadlines = deadlines(c, doc['deadlines']);
  return { ...p, source: name };
}

/**
 * parses YAML or JSON text (`name` labels errors; a .json name must also be strict JSON); an
 * empty text (nothing but whitespace and comments) is an error: most likely the wrong file
 */
export function parsePolicy(text: string, name = 'policy'): Policy {
  const r = readPolicyText(text, /\.json$/i.test(name));
  if (r.kind === 'error') throw new PolicyError(`${name}: cannot parse: ${r.problem}`);
  if (r.kind === 'empty') throw new PolicyError(`${name}: policy file is empty (write {} for the default policy)`);
  return validatePolicy(r.doc, name);
}

/** reads and validates a policy file (YAML or JSON); throws PolicyError with a one-line message */
export function loadPolicy(path: string): Policy {
  const name = basename(path);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e: unknown) {
    const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'read error';
    throw new PolicyError(`${name}: cannot read ${path} (${code})`);
  }
  if (buf.length > MAX_FILE_BYTES) throw new PolicyError(`${name}: policy file is larger than 4 MiB`);
  const p = parsePolicy(buf.toString('utf8'), name);
  return { ...p, source: path };
}
