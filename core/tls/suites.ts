/**
 * Cipher-suite, protocol-version, signature-scheme and alert names.
 * Sources: IANA "TLS Cipher Suites" registry (RFC 5246 App. A.5, RFC 8422 §6, RFC 5288,
 * RFC 5289, RFC 7905, RFC 8446 §B.4), RFC 8446 §4.2.3 / §6 and draft-ietf-tls-mldsa.
 */
import { hex4 } from './groups.js';

/** how a TLS ≤ 1.2 suite establishes its keys (derived from the IANA name) */
export type SuiteKex = 'rsa' | 'dhe' | 'dh' | 'ecdhe' | 'ecdh' | 'psk' | 'tls13' | 'scsv' | 'unknown';

/** IANA TLS Cipher Suites registry names (a common subset) */
export const CIPHER_SUITES: ReadonlyMap<number, string> = new Map<number, string>([
  // RFC 8446 §B.4
  [0x1301, 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  // RFC 5246 App. A.5 / RFC 4346 / RFC 2246 (RSA key transport)
  [0x0001, 'TLS_RSA_WITH_NULL_MD5'],
  [0x0002, 'TLS_RSA_WITH_NULL_SHA'],
  [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'],
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA'],
  [0x0006, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5'],
  [0x0007, 'TLS_RSA_WITH_IDEA_CBC_SHA'],
  [0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA'],
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x003b, 'TLS_RSA_WITH_NULL_SHA256'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x0096, 'TLS_RSA_WITH_SEED_CBC_SHA'],
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00ba, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c0, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM'],
  [0x0062, 'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA'],
  [0x0064, 'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA'],
  // static DH
  [0x000d, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA'],
  [0x0010, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0030, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA'],
  [0x0031, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA'],
  [0x0036, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA'],
  [0x0037, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA'],
  // DHE (RFC 5246, RFC 5288, RFC 5932, RFC 7905)
  [0x0011, 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0012, 'TLS_DHE_DSS_WITH_DES_CBC_SHA'],
  [0x0013, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA'],
  [0x0014, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
  [0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA'],
  [0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256'],
  [0x0044, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0045, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0087, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA'],
  [0x0088, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x009a, 'TLS_DHE_RSA_WITH_SEED_CBC_SHA'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256'],
  [0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384'],
  [0x00be, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00c4, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  [0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM'],
  [0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5'],
  [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA'],
  [0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA'],
  // static ECDH (RFC 8422 §6, RFC 5289)
  [0xc002, 'TLS_ECDH_ECDSA_WITH_RC4_128_SHA'],
  [0xc003, 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc004, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc005, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc00c, 'TLS_ECDH_RSA_WITH_RC4_128_SHA'],
  [0xc00d, 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc00e, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA'],
  [0xc00f, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA'],
  [0xc025, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc026, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc029, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc02a, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384'],
  [0xc02d, 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02e, 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc031, 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc032, 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384'],
  // ECDHE (RFC 8422 §6, RFC 5289, RFC 7905, RFC 7251)
  [0xc006, 'TLS_ECDHE_ECDSA_WITH_NULL_SHA'],
  [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'],
  [0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc010, 'TLS_ECDHE_RSA_WITH_NULL_SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc018, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
  [0xc019, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA'],
  [0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA'],
  [0xc072, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0xc076, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM'],
  [0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  // PSK (RFC 4279, RFC 5487)
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA'],
  [0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384'],
  [0x00aa, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00ab, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384'],
  [0x00ac, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00ad, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384'],
  // signalling values (RFC 5746 §3.3, RFC 7507 §6)
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
  [0x5600, 'TLS_FALLBACK_SCSV'],
]);

export function cipherSuiteName(cs: number): string {
  return CIPHER_SUITES.get(cs) ?? `unknown-${hex4(cs)}`;
}

/** key exchange of a suite from its IANA name (RFC 5246 §7.4.3, RFC 8422 §2, RFC 8446 §B.4) */
function kexOfName(cs: number, n: string | undefined): SuiteKex {
  if (n === undefined) return (cs & 0xff00) === 0x1300 ? 'tls13' : 'unknown';
  if (cs >= 0x1301 && cs <= 0x1305) return 'tls13';
  if (n.endsWith('_SCSV')) return 'scsv';
  if (n.startsWith('TLS_RSA_')) return 'rsa';
  if (n.startsWith('TLS_DHE_') || n.startsWith('TLS_DH_anon_')) return 'dhe';
  if (n.startsWith('TLS_DH_')) return 'dh';
  if (n.startsWith('TLS_ECDHE_') || n.startsWith('TLS_ECDH_anon_')) return 'ecdhe';
  if (n.startsWith('TLS_ECDH_')) return 'ecdh';
  if (n.startsWith('TLS_PSK_')) return 'psk';
  return 'unknown';
}

/** suiteKex of every suite in the table, worked out once from the names */
const SUITE_KEX: ReadonlyMap<number, SuiteKex> = new Map([...CIPHER_SUITES].map(([cs, n]) => [cs, kexOfName(cs, n)]));

/** key exchange of a suite, from its IANA name (RFC 5246 §7.4.3, RFC 8422 §2, RFC 8446 §B.4) */
export function suiteKex(cs: number): SuiteKex {
  return SUITE_KEX.get(cs) ?? kexOfName(cs, undefined);
}

/** true for TLS_DHE_PSK / TLS_ECDHE_PSK suites, whose ServerKeyExchange starts with a PSK identity hint (RFC 4279 §3, RFC 5489 §2) */
export function suiteHasPskHint(cs: number): boolean {
  const n = CIPHER_SUITES.get(cs);
  return n !== undefined && (n.startsWith('TLS_DHE_PSK_') || n.startsWith('TLS_ECDHE_PSK_'));
}

/**
 * Version display names as the truth files render them: RFC 8446 §4.2.1 (0x0304), drafts
 * 0x7fNN (draft-ietf-tls-tls13-NN), Facebook Fizz experimental 0xfaNN/0xfbNN, SSL 2.0 (0x0002).
 */
export function versionName(v: number): string {
  switch (v) {
    case 0x0002: return 'SSL 2.0';
    case 0x0300: return 'SSL 3.0';
    case 0x0301: return 'TLS 1.0';
    case 0x0302: return 'TLS 1.1';
    case 0x0303: return 'TLS 1.2';
    case 0x0304: return 'TLS 1.3';
    case 0xfeff: return 'DTLS 1.0';
    case 0xfefd: return 'DTLS 1.2';
    case 0xfefc: return 'DTLS 1.3';
  }
  if ((v & 0xff00) === 0x7f00) return `TLS 1.3 (draft ${v & 0xff})`;
  if ((v & 0xff00) === 0xfb00 || (v & 0xff00) === 0xfa00) return `TLS 1.3 (experimental ${hex4(v)})`;
  return `unknown-${hex4(v)}`;
}

/** a TLS 1.3 family version (final, IETF draft, or Fizz experimental) */
export function isTls13Version(v: number): boolean {
  const hi = v & 0xff00;
  return v === 0x0304 || hi === 0x7f00 || hi === 0xfa00 || hi === 0xfb00;
}

/** RFC 8446 §4.2.3 SignatureScheme names; ML-DSA from draft-ietf-tls-mldsa */
export const SIGNATURE_SCHEMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0202, 'dsa_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'], // RFC 8734
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
  [0x0904, 'mldsa44'], // draft-ietf-tls-mldsa
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
]);

export function signatureSchemeName(v: number): string {
  return SIGNATURE_SCHEMES.get(v) ?? `unknown-${hex4(v)}`;
}

/** ML-DSA signature schemes (draft-ietf-tls-mldsa): 0x0904–0x0906 */
export function isPqSignatureScheme(v: number): boolean {
  return v >= 0x0904 && v <= 0x0906;
}

/** RFC 8446 §6 / RFC 5246 §7.2 AlertDescription (display names as tshark prints them) */
const ALERTS: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'Close Notify'],
  [10, 'Unexpected Message'],
  [20, 'Bad Record MAC'],
  [21, 'Decryption Failed'],
  [22, 'Record Overflow'],
  [30, 'Decompression Failure'],
  [40, 'Handshake Failure'],
  [41, 'No Certificate'],
  [42, 'Bad Certificate'],
  [43, 'Unsupported Certificate'],
  [44, 'Certificate Revoked'],
  [45, 'Certificate Expired'],
  [46, 'Certificate Unknown'],
  [47, 'Illegal Parameter'],
  [48, 'Unknown CA'],
  [49, 'Access Denied'],
  [50, 'Decode Error'],
  [51, 'Decrypt Error'],
  [60, 'Export Restriction'],
  [70, 'Protocol Version'],
  [71, 'Insufficient Security'],
  [80, 'Internal Error'],
  [86, 'Inappropriate Fallback'],
  [90, 'User Canceled'],
  [100, 'No Renegotiation'],
  [109, 'Missing Extension'],
  [110, 'Unsupported Extension'],
  [112, 'Unrecognized Name'],
  [113, 'Bad Certificate Status Response'],
  [115, 'Unknown PSK Identity'],
  [116, 'Certificate Required'],
  [120, 'No Application Protocol'],
  [121, 'ECH Required'],
]);

export function alertName(code: number): string {
  return ALERTS.get(code) ?? `Unknown alert ${code}`;
}
