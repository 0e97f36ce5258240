/**
 * The yaml package, loaded on first use. Only policy and inventory files are YAML; importing the
 * package up front cost every scan ≈ 28 ms of start-up on these machines. Its Node entry is
 * CommonJS (package.json exports "node": ./dist/index.js), so require() loads it synchronously
 * and the policy loaders stay synchronous.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let yaml: Yaml | null = null;

export function loadYaml(): Yaml {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml;
}
