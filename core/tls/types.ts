/**
 * Typed records of the TLS handshake messages hndl-scan reads (RFC 8446 §4, RFC 5246 §7.4),
 * and the per-flow TLS facts. Decoders fill these; classification is a pure function over them.
 */
export type KexClass = 'plaintext' | 'classical' | 'hybrid' | 'pq' | 'unknown';

/** every KexClass, in report order (worst to best, then unknown) */
export const KEX_CLASSES: readonly KexClass[] = ['plaintext', 'classical', 'hybrid', 'pq', 'unknown'];

/** position of each class in KEX_CLASSES (counters indexed by class) */
export const KEX_INDEX: Readonly<Record<KexClass, number>> = { plaintext: 0, classical: 1, hybrid: 2, pq: 3, unknown: 4 };

/** KEX_INDEX[c] as a switch, for per-flow loops (a Record read with varying keys goes megamorphic) */
export function kexIndex(c: KexClass): number {
  switch (c) {
    case 'plaintext': return 0;
    case 'classical': return 1;
    case 'hybrid': return 2;
    case 'pq': return 3;
    default: return 4;
  }
}

export interface KeyShareEntry {
  group: number;
  /** length of key_exchange in bytes */
  length: number;
  /** modulus check result for ML-KEM encapsulation keys: null when not applicable */
  mlkemKeyValid?: boolean | null;
}

export interface ClientHello {
  /** legacy_version from the hello body */
  legacyVersion: number;
  /** record-layer version of the first record carrying it */
  recordVersion: number;
  sslv2: boolean;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** extension types in wire order (GREASE included, for JA4) */
  extensionTypes: number[];
  sni: string | null;
  /** supported_groups in client order, GREASE included */
  supportedGroups: number[];
  keyShares: KeyShareEntry[];
  supportedVersions: number[];
  alpn: string[];
  signatureAlgorithms: number[];
  pskKeyExchangeModes: number[];
  hasPreSharedKey: boolean;
  hasEarlyData: boolean;
  /** encrypted_client_hello (0xfe0d) present: the SNI seen is the outer one */
  ech: boolean;
  /** session_ticket extension carried a ticket (length > 0) */
  sessionTicketLength: number;
  /** hex of the first 32 bytes of the session_ticket extension (for linking resumptions), null if none */
  sessionTicketKey?: string | null;
  /** non-fatal decode problems inside extensions, e.g. 'tls.ext_key_share_malformed' */
  warnings?: string[];
}

export interface ServerHello {
  legacyVersion: number;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensionTypes: number[];
  /** supported_versions selected_version, 0 if absent */
  selectedVersion: number;
  /** key_share: the server's share group (ServerHello) or selected_group (HRR); -1 absent */
  keyShareGroup: number;
  keyShareLength: number;
  /** true when random == SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3) */
  isHelloRetryRequest: boolean;
  /** pre_shared_key selected_identity present */
  pskSelected: boolean;
  alpn: string | null;
  /** an SSL 2.0 SERVER-HELLO (cipherSuite then holds the 24-bit SSLv2 cipher kind) */
  sslv2?: boolean;
  /** non-fatal decode problems inside extensions */
  warnings?: string[];
}

export interface ServerKeyExchange {
  kind: 'ecdhe' | 'dhe' | 'unknown';
  /** ECDHE named curve, -1 otherwise */
  namedCurve: number;
  /** DHE prime length in bits, 0 otherwise */
  dhPrimeBits: number;
}

export interface CertificateInfo {
  /** leaf certificate signature algorithm OID and public-key algorithm OID (dotted) */
  signatureAlgorithmOid: string | null;
  publicKeyAlgorithmOid: string | null;
  /** RSA modulus bits or EC curve OID when decodable */
  publicKeyBits: number | null;
  curveOid: string | null;
}

/** Everything visible of one TLS handshake in a flow. */
export interface TlsInfo {
  clientHello: ClientHello | null;
  /** the second ClientHello after a HelloRetryRequest */
  clientHello2: ClientHello | null;
  helloRetryRequest: ServerHello | null;
  serverHello: ServerHello | null;
  serverKeyExchange: ServerKeyExchange | null;
  certificate: CertificateInfo | null;
  /** a fatal alert seen during the handshake (description code), -1 none */
  alert: number;
  /** the handshake was followed to its end (ChangeCipherSpec / encrypted data seen both ways) */
  complete: boolean;
  /** decode problems, e.g. 'tls.bad_record_length' */
  errors: string[];
  /** TLS ≤ 1.2: the server sent ChangeCipherSpec without Certificate/ServerKeyExchange/ServerHelloDone (abbreviated handshake, RFC 5246 §7.3) */
  abbreviated?: boolean;
  /** TLS ≤ 1.2 ServerHelloDone seen */
  serverHelloDone?: boolean;
  /** hex of the first 32 bytes of a plaintext TLS 1.2 NewSessionTicket (RFC 5077 §3.3), for linking resumptions */
  issuedTicketKey?: string | null;
  /** level of the recorded alert (1 warning, 2 fatal), -1 none */
  alertLevel?: number;
}

export function newTlsInfo(): TlsInfo {
  return {
    clientHello: null,
    clientHello2: null,
    helloRetryRequest: null,
    serverHello: null,
    serverKeyExchange: null,
    certificate: null,
    alert: -1,
    complete: false,
    errors: [],
  };
}
