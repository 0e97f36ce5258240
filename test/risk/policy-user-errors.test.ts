/**
 * A bad policy file is a user's mistake: one short printable line, nothing else printed, and bad
 * values rejected rather than reinterpreted. Covers both policy parsers: the risk policy
 * (core/risk/policy.ts, --policy) and the MCP inventory policy (core/mcp/policy.ts, --inventory).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MockInstance } from 'vitest';
import { McpPolicyError, loadMcpPolicy, parseMcpPolicy } from '../../core/mcp/policy.js';
import { PolicyError, defaultPolicy, loadPolicy, parsePolicy } from '../../core/risk/policy.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-policy-user-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** the message of the error `f` throws, checked to be of class `cls` and one printable line */
function oneLine(f: () => unknown, cls: typeof PolicyError | typeof McpPolicyError): string {
  try {
    f();
  } catch (e: unknown) {
    expect(e).toBeInstanceOf(cls);
    const msg = (e as Error).message;
    expect(msg).not.toMatch(/[\r\n]/);
    expect(msg).toMatch(/^[\x20-\x7e…]+$/);
    expect(msg.length).toBeLessThan(400);
    return msg;
  }
  throw new Error('expected an error');
}
const risk = (text: string, name = 'policy.yaml'): string => oneLine(() => parsePolicy(text, name), PolicyError);
const riskFile = (path: string): string => oneLine(() => loadPolicy(path), PolicyError);
const mcp = (text: string, name = 'inv.yaml'): string => oneLine(() => parseMcpPolicy(text, name), McpPolicyError);
const mcpFile = (path: string): string => oneLine(() => loadMcpPolicy(path), McpPolicyError);

describe('policy files: YAML warnings are errors and nothing is printed', () => {
  let spies: MockInstance[] = [];
  beforeEach(() => {
    spies = [
      vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined),
      vi.spyOn(console, 'warn').mockImplementation(() => undefined),
      vi.spyOn(console, 'error').mockImplementation(() => undefined),
      vi.spyOn(console, 'log').mockImplementation(() => undefined),
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true),
    ];
  });
  afterEach(() => {
    for (const s of spies) {
      expect(s).not.toHaveBeenCalled();
      s.mockRestore();
    }
  });

  it('policy-warnings: an unknown tag is one line naming the tag and its line, never a YAMLWarning', () => {
    expect(risk('categories: !foo {health: 1}')).toBe('policy.yaml: cannot parse: unknown tag !foo at line 1, column 13');
    expect(risk('categories:\n  health: !!js/function "function () {}"\n')).toBe('policy.yaml: cannot parse: unknown tag !!js/function at line 2, column 11');
    expect(mcp('servers: !foo [x]')).toBe('inv.yaml: not valid YAML or JSON: unknown tag !foo at line 1, column 10');
    expect(mcp('toolPolicy:\n  - {server: a, deny: !!js/regexp /x/}\n')).toBe('inv.yaml: not valid YAML or JSON: unknown tag !!js/regexp at line 2, column 23');
  });

  it('policy-warnings: YAML 1.1 extra tags, complex keys, aliases and several documents are one-line errors', () => {
    expect(risk('categories: !!set {health}')).toBe('policy.yaml: cannot parse: unknown tag !!set at line 1, column 13');
    expect(mcp('servers: !!binary aGk=')).toBe('inv.yaml: not valid YAML or JSON: unknown tag !!binary at line 1, column 10');
    expect(risk('categories:\n  ? [a, b]\n  : 1\n')).toBe('policy.yaml: cannot parse: a key must be a string, not a list or mapping at line 2, column 5');
    expect(risk('categories: *nope\n')).toMatch(/^policy\.yaml: cannot parse: .*nope/);
    expect(mcp('servers: []\n---\ntoolPolicy: []\n')).toMatch(/^inv\.yaml: not valid YAML or JSON: more than one YAML document \(a second ---\): a policy is one document at line \d+, column \d+$/);
    // an explicit %YAML 1.1 document may use !!set, but a Set is not a mapping
    expect(risk('%YAML 1.1\n---\ncategories: !!set {health}\n')).toBe('policy.yaml: categories must be a mapping');
  });
});

describe('policy files: quoted file content is bounded and printable', () => {
  const pcapng = join(new URL('../../', import.meta.url).pathname, 'samples/mixed.pcapng');

  it('policy-binary: a capture given as a policy is one short line', () => {
    expect(riskFile(pcapng)).toBe('mixed.pcapng: cannot parse: binary content (NUL bytes), not YAML or JSON');
    expect(mcpFile(pcapng)).toBe(`${pcapng}: not valid YAML or JSON: binary content (NUL bytes), not YAML or JSON`);
    // binary without NUL bytes: the parser's message (which quotes the token) is clipped
    const junk = readFileSync(pcapng).filter((b) => b !== 0);
    expect(riskFile(file('junk.yaml', junk)).length).toBeLessThan(250);
    expect(mcpFile(file('junk.yaml', junk)).length).toBeLessThan(250 + dir.length);
    expect(risk(`"${'\u0007x'.repeat(20000)}`)).toMatch(/^policy\.yaml: cannot parse: Missing closing "quote at line 1, column 40002$/);
    expect(risk(`servers: "${'\u0007x'.repeat(20000)}\n`, 'p.json').length).toBeLessThan(200);
    expect(risk(`{"a": ${'x'.repeat(20000)}`, 'p.json').length).toBeLessThan(200);
  });

  it('policy-binary: long or unprintable keys and values are clipped', () => {
    expect(risk(`categorie${'s'.repeat(1000)}: {}`)).toMatch(/^policy\.yaml: categories{51}… is not a known key \(expected one of: /);
    expect(risk(`categories: {"${'x'.repeat(5000)}": 1}`)).toMatch(/^policy\.yaml: categories\.x{60}… must be a lower-case id/);
    expect(risk(`categories: {"H\u202eealth\u0007": 1}`)).toBe('policy.yaml: categories.H?ealth? must be a lower-case id (a-z, 0-9, - and _)');
    expect(risk(`declarations:\n  - { sni: a.b, category: "${'z'.repeat(5000)}" }\n`)).toMatch(/^policy\.yaml: declarations\[0\]\.category names an unknown category 'z{60}…' \(define it under categories\)$/);
  });

  it('policy-binary: a risk policy over 4 MiB is refused like an inventory file', () => {
    const big = file('big.yaml', `# ${'x'.repeat(4 * 1024 * 1024)}\n{}\n`);
    expect(riskFile(big)).toBe('big.yaml: policy file is larger than 4 MiB');
    expect(mcpFile(big)).toBe(`${big}: policy file is larger than 4 MiB`);
  });
});

describe('policy files: values are rejected, not reinterpreted', () => {
  const deadline = (date: string): string => `deadlines:\n  - { id: a, date: "${date}", title: t, source: s, appliesTo: [classical] }\n`;

  it('policy-dates: a deadline date that does not exist is rejected, not rolled over', () => {
    expect(risk(deadline('2025-02-30'))).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD that exists, not 2025-02-30');
    expect(risk(deadline('2023-02-29'))).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD that exists, not 2023-02-29');
    expect(risk(deadline('2100-02-29'))).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD that exists, not 2100-02-29');
    expect(risk(deadline('2030-04-31'))).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD that exists, not 2030-04-31');
    expect(risk(deadline('2030-01-00'))).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD that exists, not 2030-01-00');
    expect(risk(deadline('30-1-1'))).toBe('policy.yaml: deadlines[0].date must be a date YYYY-MM-DD');
    expect(parsePolicy(deadline('2024-02-29')).deadlines[0]?.date).toBe('2024-02-29');
    expect(parsePolicy(deadline('2000-02-29')).deadlines[0]?.date).toBe('2000-02-29');
  });

  it('policy-duplicate-keys: JSON policies reject duplicate keys like YAML, naming the key', () => {
    expect(risk('{"categories": {"health": 1, "health": 20}}', 'p.json')).toBe('p.json: cannot parse: duplicate key "health" at line 1, column 30');
    expect(risk('{"unknownKex": "low",\n "unknownKex": "none"}', 'p.json')).toBe('p.json: cannot parse: duplicate key "unknownKex" at line 2, column 2');
    expect(risk('categories:\n  health: 1\n  health: 2\n')).toBe('policy.yaml: cannot parse: duplicate key "health" at line 3, column 3');
    expect(mcp('{"servers": [], "servers": null}', 'inv.json')).toBe('inv.json: not valid YAML or JSON: duplicate key "servers" at line 1, column 17');
    // .json stays strict JSON; valid JSON (tabs, nesting) still loads
    expect(risk('{categories: {}}', 'p.json')).toMatch(/^p\.json: cannot parse: /);
    expect(parsePolicy(JSON.stringify({ categories: { health: 9 }, thresholds: { medium: 12 } }, null, '\t'), 'p.json').categories['health']?.lifetimeYears).toBe(9);
  });

  it('policy-prototype-keys: Object.prototype names are ordinary names or rejected, never inherited', () => {
    const p = parsePolicy('categories: {constructor: 5}\ndeclarations:\n  - { sni: a.b, category: constructor }\n');
    expect(p.categories['constructor']).toEqual({ lifetimeYears: 5, label: 'constructor', basis: 'policy file' });
    expect(p.declarations[0]?.category).toBe('constructor');
    // before: categories.constructor inherited Object as its "default" and lifetimeYears became undefined
    expect(risk('categories: {constructor: {label: c}}')).toBe('policy.yaml: categories.constructor.lifetimeYears is required for a new category');
    expect(risk('categories: {__proto__: 5}')).toBe('policy.yaml: categories.__proto__ must be a lower-case id (a-z, 0-9, - and _)');
    expect(risk('categories: {toString: 5}')).toBe('policy.yaml: categories.toString must be a lower-case id (a-z, 0-9, - and _)');
    for (const name of ['toString', 'hasOwnProperty', '__proto__', 'constructor', 'valueOf']) {
      expect(risk(`declarations:\n  - { sni: a.b, category: ${name} }\n`)).toBe(`policy.yaml: declarations[0].category names an unknown category '${name}' (define it under categories)`);
    }
    expect(risk('{"__proto__": {"categories": {"health": 1}}}', 'p.json')).toMatch(/^p\.json: __proto__ is not a known key/);
    expect(risk('thresholds: {__proto__: {low: 99}}')).toMatch(/^policy\.yaml: thresholds\.__proto__ is not a known key/);
    expect(mcp('{"__proto__": {"servers": []}}')).toMatch(/^inv\.yaml: __proto__ is not a known key/);
    const d = defaultPolicy();
    expect(Object.getPrototypeOf(d.categories)).toBeNull();
    expect('toString' in d.categories || 'constructor' in d.categories).toBe(false);
    expect(Object.getPrototypeOf(parsePolicy('{}').categories)).toBeNull();
  });

  it('policy-empty: an empty policy file is an error, {} is the default policy', () => {
    expect(risk('')).toBe('policy.yaml: policy file is empty (write {} for the default policy)');
    expect(risk('  \n\t\n')).toBe('policy.yaml: policy file is empty (write {} for the default policy)');
    expect(risk('# categories:\n#   health: 10\n')).toBe('policy.yaml: policy file is empty (write {} for the default policy)');
    expect(risk('', 'p.json')).toBe('p.json: policy file is empty (write {} for the default policy)');
    expect(riskFile('/dev/null')).toBe('null: policy file is empty (write {} for the default policy)');
    expect(riskFile(file('empty.yaml', ''))).toBe('empty.yaml: policy file is empty (write {} for the default policy)');
    expect(risk('~\n')).toBe('policy.yaml: the document must be a mapping of policy keys');
    expect(mcpFile('/dev/null')).toBe('/dev/null: policy file is empty (expected servers and/or toolPolicy)');
    expect(mcp('# nothing yet\n')).toBe('inv.yaml: policy file is empty (expected servers and/or toolPolicy)');
    const p = parsePolicy('{}');
    expect({ ...p, categories: { ...p.categories }, source: null }).toEqual({ ...defaultPolicy(), categories: { ...defaultPolicy().categories } });
    expect(parsePolicy('{}', 'p.json').source).toBe('p.json');
  });
});
