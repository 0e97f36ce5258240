/**
 * HNDL risk of one flow. Sensitivity = strongest evidence (select.ts). Exposure follows Mosca
 * with y = 0 for traffic already recorded (DOMAIN.md §5): a classical flow is exposed with
 * probability P(CRQC before capture time + secrecy lifetime), taken from the years left from
 * `now`. Score = 100 × exposure (no MCP bonus: MCP changes the category via evidence, not the
 * score). Levels come from policy thresholds. Rules per negotiated key exchange:
 *   plaintext → readable now: score 100, critical (public content with lifetime 0: low);
 *   classical → score 100 × exposure;
 *   hybrid/pq → none; legacy Kyber draft or malformed ML-KEM share → policy.legacyHybrid (low);
 *   unknown → policy.unknownKex (low by default, never 'none' without a reason), or scored as
 *             classical when the policy says 'assume-classical'.
 */
import type { RiskLevel } from '../report/model.js';
import type { KexClass } from '../tls/types.js';
import { crqcCurve } from './crqc.js';
import { defaultEvidence, mcpTrafficEvidence, portHints, sniHints } from './hints.js';
import type { Policy, Thresholds } from './policy.js';
import { declaredEvidence, selectSensitivity } from './select.js';
import type { Sensitivity, ServerKey } from './select.js';
import type { Evidence } from './types.js';

export type { Sensitivity, ServerKey } from './select.js';

export interface AssessInput {
  kexNegotiated: KexClass;
  kexOffered: KexClass;
  kexGroup: string | null;
  /** a pre-standard Kyber draft group (e.g. X25519Kyber768Draft00) */
  legacyDraft?: boolean;
  /** the ML-KEM share failed validation */
  malformedShare?: boolean;
  captureTimeMicros: number;
  now?: Date;
  /** content / MCP / HTTP evidence gathered by the caller; declarations, SNI and port are added here */
  evidence: Evidence[];
  serverKey: ServerKey;
  app: string;
  isMcp: boolean;
  transport?: 'tcp' | 'udp';
  /** application payload bytes of the flow (both directions); 0 = nothing was exchanged */
  payloadBytes?: number;
  /**
   * the flow's sensitivity when the caller already knows it (a flow with the same evidence,
   * server and transport was assessed before); evidence is then not collected again
   */
  sensitivity?: Sensitivity;
}

export interface RiskResult {
  score: number;
  level: RiskLevel;
  /** P(decryptable while still secret); null when it cannot be told (unknown / doubtful hybrid) */
  exposure: number | null;
  reasons: string[];
}

export interface Assessment { sensitivity: Sensitivity; risk: RiskResult }

const YEAR_MS = 365.25 * 86_400_000;

export function levelFor(score: number, t: Thresholds): RiskLevel {
  if (score >= t.critical) return 'critical';
  if (score >= t.high) return 'high';
  if (score >= t.medium) return 'medium';
  if (score >= t.low) return 'low';
  return 'none';
}

/** the score given to a level set by rule (its threshold; 0 for none) */
export function scoreForLevel(level: RiskLevel, t: Thresholds): number {
  return level === 'none' ? 0 : t[level];
}

const pct = (p: number): string => `${Math.round(p * 1000) / 10} %`;
const yrs = (y: number): string => `${Math.round(y * 10) / 10} year${Math.abs(y - 1) < 0.05 ? '' : 's'}`;

/** gathers all evidence for the flow: the caller's plus declarations, SNI, port, MCP, default */
export function collectEvidence(input: AssessInput, policy: Policy): Evidence[] {
  const all = [...declaredEvidence(input.serverKey, policy), ...input.evidence];
  sniHints(input.serverKey.sni, 'tls.sni', all);
  portHints(input.serverKey.port, input.transport ?? (input.app === 'quic' ? 'udp' : 'tcp'), 'server.port', all);
  if (input.isMcp) all.push(mcpTrafficEvidence('mcp'));
  if (all.length === 0) all.push(defaultEvidence('flow'));
  return all;
}

/*
 * Reason texts repeat across the flows of a capture (the same category, lifetime and, to the
 * tenth of a year and of a percent, the same remaining time and exposure): built once each.
 */
const TEXT_MAX = 16_384;
const CLASSICAL_TEXT = new Map<string, string>();
const CURVE_TEXTS = new WeakMap<object, Map<string, [string, string]>>();

function classicalText(group: string): string {
  let t = CLASSICAL_TEXT.get(group);
  if (t === undefined) {
    t = `classical key exchange${group}: a recording can be decrypted once a quantum computer exists`;
    if (CLASSICAL_TEXT.size < TEXT_MAX) CLASSICAL_TEXT.set(group, t);
  }
  return t;
}

/** the two exposure reasons of a classical flow (yrs and pct round to tenths, so does the key) */
function exposureTexts(s: Sensitivity, remaining: number, exposure: number, curve: ReturnType<typeof crqcCurve>): [string, string] {
  let texts = CURVE_TEXTS.get(curve);
  if (texts === undefined) {
    texts = new Map();
    CURVE_TEXTS.set(curve, texts);
  }
  const key = `${s.category}\u0000${s.lifetimeYears}\u0000${Math.round(remaining * 10)}\u0000${Math.round(exposure * 1000)}`;
  let t = texts.get(key);
  if (t === undefined) {
    t = [
      `${s.category} data must stay secret ${yrs(remaining)} more (lifetime ${yrs(s.lifetimeYears)})`,
      `chance of a quantum computer within ${yrs(remaining)}: ${pct(exposure)} (${curve.describe})`,
    ];
    if (texts.size < TEXT_MAX) texts.set(key, t);
  }
  return t;
}

function classical(input: AssessInput, s: Sensitivity, policy: Policy, now: Date, reasons: string[]): RiskResult {
  const capturedMs = input.captureTimeMicros / 1000;
  const elapsed = Number.isFinite(capturedMs) ? Math.max(0, (now.getTime() - capturedMs) / YEAR_MS) : 0;
  const remaining = s.lifetimeYears - elapsed;
  if (remaining <= 0) {
    reasons.push(s.lifetimeYears === 0
      ? `${s.category} data has no secrecy lifetime`
      : `the ${s.category} secrecy lifetime (${yrs(s.lifetimeYears)}) has already passed since capture`);
    return { score: 0, level: 'none', exposure: 0, reasons };
  }
  const curve = curveFor(policy.crqc, now);
  const exposure = curve.pWithin(remaining);
  const score = Math.round(exposure * 1000) / 10;
  const [secret, chance] = exposureTexts(s, remaining, exposure, curve);
  reasons.push(secret, chance);
  return { score, level: levelFor(score, policy.thresholds), exposure, reasons };
}

/** the curve of the policy at `now`, built once per scan rather than once per flow */
const CURVES = new WeakMap<object, { at: number; curve: ReturnType<typeof crqcCurve> }>();
function curveFor(settings: Policy['crqc'], now: Date): ReturnType<typeof crqcCurve> {
  const hit = CURVES.get(settings);
  if (hit !== undefined && hit.at === now.getTime()) return hit.curve;
  const curve = crqcCurve(settings, now);
  CURVES.set(settings, { at: now.getTime(), curve });
  return curve;
}

export function assessFlow(input: AssessInput, policy: Policy): Assessment {
  const now = input.now ?? new Date();
  const sensitivity = input.sensitivity ?? selectSensitivity(collectEvidence(input, policy), policy);
  const group = input.kexGroup === null ? '' : ` (${input.kexGroup})`;
  const reasons: string[] = [];
  const t = policy.thresholds;
  let risk: RiskResult;
  switch (input.kexNegotiated) {
    case 'plaintext':
      if (sensitivity.lifetimeYears === 0) {
        reasons.push(`readable now, but ${sensitivity.category} content has no secrecy lifetime`);
        risk = { score: scoreForLevel('low', t), level: 'low', exposure: 1, reasons };
      } else {
        reasons.push(input.isMcp ? 'readable now: MCP tool calls and results travel unencrypted' : 'readable now: no encryption');
        risk = { score: 100, level: 'critical', exposure: 1, reasons };
      }
      break;
    case 'classical':
      reasons.push(classicalText(group));
      if (input.kexOffered === 'hybrid' || input.kexOffered === 'pq') {
        reasons.push(`the client offered a ${input.kexOffered} key exchange but the server chose a classical one`);
      }
      risk = classical(input, sensitivity, policy, now, reasons);
      break;
    case 'hybrid':
    case 'pq':
      if (input.legacyDraft === true || input.malformedShare === true) {
        if (input.legacyDraft === true) {
          reasons.push(`legacy pre-standard Kyber draft group${group}: not ML-KEM as standardised in FIPS 203; move to X25519MLKEM768`);
        }
        if (input.malformedShare === true) {
          reasons.push('the ML-KEM key share failed validation (FIPS 203 §7.2 modulus check): post-quantum protection not confirmed');
        }
        const level = policy.legacyHybrid;
        risk = { score: scoreForLevel(level, t), level, exposure: null, reasons };
      } else {
        reasons.push(`${input.kexNegotiated === 'pq' ? 'post-quantum' : 'hybrid post-quantum'} key exchange${group}: a recording stays confidential against a quantum computer`);
        risk = { score: 0, level: 'none', exposure: 0, reasons };
      }
      break;
    case 'unknown':
    default:
      if (input.payloadBytes === 0) {
        // a connection attempt that carried no data (refused, unanswered, scan): nothing to decrypt
        reasons.push('no application data was exchanged: nothing to record or decrypt');
        risk = { score: 0, level: 'none', exposure: 0, reasons };
        break;
      }
      reasons.push('unknown exposure: the key exchange was not seen or could not be decoded');
      if (policy.unknownKex === 'assume-classical') {
        reasons.push('rated as classical (policy unknownKex: assume-classical)');
        risk = classical(input, sensitivity, policy, now, reasons);
      } else {
        const level = policy.unknownKex;
        reasons.push(`level ${level} set by policy (unknownKex)`);
        risk = { score: scoreForLevel(level, t), level, exposure: null, reasons };
      }
      break;
  }
  return { sensitivity, risk };
}
