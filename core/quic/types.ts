/**
 * Per-flow QUIC facts (written to flow.ext.quic). The TLS handshake carried in Initial packets
 * goes to flow.tls like any TLS flow; this records what is QUIC-specific.
 * RFC 9000 §17.2 (long headers), §17.2.1 (Version Negotiation), §17.2.5 (Retry).
 */
export interface QuicInfo {
  /** version of the first long-header packet (e.g. 0x00000001, 0x6b3343cf); null if none seen */
  version: number | null;
  /** distinct versions seen in long headers (capped at 4) */
  versions: number[];
  /** Version Negotiation packets seen */
  versionNegotiations: number;
  /** Retry packets seen */
  retries: number;
  /** hex of the Destination Connection ID the Initial keys were derived from */
  initialDcid: string | null;
  /** Initial packets decrypted [client, server] */
  initialsDecrypted: [number, number];
  /** Initial packets that did not authenticate with any candidate key */
  initialAuthFailed: number;
  /** Handshake / 0-RTT packets seen (not decryptable passively) */
  handshakePackets: number;
  zeroRttPackets: number;
  /** datagrams examined */
  datagrams: number;
}

export function newQuicInfo(): QuicInfo {
  return {
    version: null,
    versions: [],
    versionNegotiations: 0,
    retries: 0,
    initialDcid: null,
    initialsDecrypted: [0, 0],
    initialAuthFailed: 0,
    handshakePackets: 0,
    zeroRttPackets: 0,
    datagrams: 0,
  };
}
