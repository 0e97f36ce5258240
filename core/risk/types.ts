/**
 * Shared types of the HNDL risk model (core/risk). Evidence names where a category was inferred
 * from and how strongly — never the matched value itself.
 */

/** where a piece of evidence came from; the order of SOURCE_RANK is the order of strength */
export type EvidenceSource = 'declared' | 'content' | 'mcp' | 'http' | 'sni' | 'port' | 'default';

export type Confidence = 'high' | 'medium' | 'low';

export interface Evidence {
  /** detector or table that fired, e.g. 'credit-card', 'key-name', 'sni-table' */
  detector: string;
  /** category id (core/risk/categories.ts or a policy-defined one) */
  category: string;
  /** caller-supplied location, e.g. 'mcp.tools/call.arguments.card' or 'tls.sni' */
  location: string;
  confidence: Confidence;
  source: EvidenceSource;
  /** number of matches at this location (capped at the detector's match limit) */
  count?: number;
}

/** strength of each source: declared > content > MCP metadata > HTTP > SNI > port > default */
export const SOURCE_RANK: Readonly<Record<EvidenceSource, number>> = {
  declared: 6,
  content: 5,
  mcp: 4,
  http: 3,
  sni: 2,
  port: 1,
  default: 0,
};

export const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { high: 3, medium: 2, low: 1 };

/** JSON value as parsed by JSON.parse (defined here so core/risk depends on nothing else) */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
