/**
 * The yaml package, loaded on first use. Only policy and inventory files are YAML; importing the
 * package up front cost every scan ≈ 28 ms of start-up on these machines. Its Node entry is
 * CommonJS (package.json exports "node": ./dist/index.js), so require() loads it synchronously
 * and the policy loaders stay synchronous.
 *
 * readPolicyText: the one parse of a policy or inventory file (YAML 1.2; JSON is YAML 1.2), quiet
 * and strict, its problems as one clipped line (found by fuzzing: unknown tags printed
 * multi-line warnings and scanned on, a binary file made a 15 KB error line).
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let yaml: Yaml | null = null;

export function loadYaml(): Yaml {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml;
}

/** user text for an error message: at most `max` characters, printable ASCII only, one line */
export function clip(s: string, max = 60): string {
  return (s.length > max ? `${s.slice(0, max)}…` : s).replace(/[^\x20-\x7e…]/g, '?');
}

type YamlDocument = ReturnType<ReturnType<typeof loadYaml>['parseDocument']>;
type YamlProblem = YamlDocument['errors'][number] | YamlDocument['warnings'][number];

/** the yaml package's error or warning in a few clipped words */
function yamlProblem(text: string, doc: YamlDocument, bad: YamlProblem): string {
  const Y = loadYaml();
  switch (bad.code) {
    case 'TAG_RESOLVE_FAILED':
      return `unknown tag ${clip(text.slice(bad.pos[0], Math.min(bad.pos[1], bad.pos[0] + 100)))}`;
    case 'DUPLICATE_KEY': {
      let key = text.slice(bad.pos[0], bad.pos[0] + 100);
      Y.visit(doc, {
        Pair(_, pair) {
          if (Y.isScalar(pair.key) && pair.key.range?.[0] === bad.pos[0]) key = JSON.stringify(String(pair.key.value));
        },
      });
      return `duplicate key ${clip(key)}`;
    }
    case 'MULTIPLE_DOCS':
      return 'more than one YAML document (a second ---): a policy is one document';
    case 'NON_STRING_KEY':
      return 'a key must be a string, not a list or mapping';
    default:
      return clip(bad.message, 120);
  }
}

/** the text of one YAML / JSON policy document: its value, nothing at all, or one-line problem */
export type PolicyText = { kind: 'doc'; doc: unknown } | { kind: 'empty' } | { kind: 'error'; problem: string };

/**
 * Parses policy text as one YAML 1.2 document (JSON is YAML 1.2, so JSON gets the same checks,
 * after a strict JSON.parse when `json`). Never prints: the yaml package's warnings (unresolved
 * tags such as !foo or !!js/function) are errors here, as are duplicate keys, non-string keys,
 * several documents and NUL bytes. The problem is one line, clipped, with the line and column.
 */
export function readPolicyText(text: string, json: boolean): PolicyText {
  if (text.includes('\0')) return { kind: 'error', problem: 'binary content (NUL bytes), not YAML or JSON' };
  if (json) {
    try {
      JSON.parse(text);
    } catch (e: unknown) {
      if (text.trim() !== '') return { kind: 'error', problem: clip(e instanceof Error ? e.message : String(e), 120) };
    }
  }
  const Y = loadYaml();
  const lines = new Y.LineCounter();
  const doc = Y.parseDocument(text, { prettyErrors: false, lineCounter: lines, stringKeys: true, resolveKnownTags: false });
  const bad = doc.errors[0] ?? doc.warnings[0];
  if (bad !== undefined) {
    const { line, col } = lines.linePos(bad.pos[0]);
    return { kind: 'error', problem: `${yamlProblem(text, doc, bad)} at line ${line}, column ${col}` };
  }
  if (doc.contents === null) return { kind: 'empty' };
  try {
    return { kind: 'doc', doc: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (e: unknown) {
    return { kind: 'error', problem: clip(e instanceof Error ? e.message : String(e), 120) };
  }
}

/** a plain mapping of a parsed policy document (not a list, nor a Set / Map / Date / Buffer from a YAML tag) */
export function isMapping(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
