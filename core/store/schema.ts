/**
 * The DuckDB schema of the hndl-scan store, as an ordered list of migrations.
 *
 * A migration is never edited once released: a later change is a new migration with the next
 * version (ALTER TABLE … ADD COLUMN appends columns at the end of a table, which keeps the
 * Appender column order of write.ts valid when write.ts is extended in step).
 *
 * Tables (schema version 1):
 *
 * meta — key/value facts about the database file.
 *   key    VARCHAR PK   e.g. 'schema_version'
 *   value  VARCHAR      e.g. '1'
 *
 * scans — one row per stored scan report (ScanReport.tool / .scan / .summary).
 *   scan_id      VARCHAR PK     ScanReport.scan.id
 *   started_at   TIMESTAMP      scan.startedAt (UTC)
 *   finished_at  TIMESTAMP      scan.finishedAt (UTC)
 *   duration_ms  DOUBLE         scan.durationMs
 *   tool_name    VARCHAR        tool.name ('hndl-scan')
 *   tool_version VARCHAR        tool.version
 *   flows        BIGINT         summary.flows
 *   packets      BIGINT         summary.packets
 *   bytes        BIGINT         summary.bytes
 *   summary      JSON           the whole summary object (byNegotiated, byOffered, weirds, …)
 *   options      JSON           scan.options, NULL when absent
 *   findings     JSON           ScanReport.findings, NULL when absent
 *   extra        JSON           top-level report keys not listed above, NULL when none
 *   stored_at    TIMESTAMP      when the row was written (UTC)
 *
 * inputs — one row per input capture file of a scan (ScanReport.scan.inputs[idx]).
 *   scan_id, idx   PK           scan and position of the input in scan.inputs
 *   path           VARCHAR      as given on the command line
 *   format         VARCHAR      'pcap' | 'pcapng'
 *   compressed     BOOLEAN      NULL when not reported
 *   packets, bytes BIGINT       read from the file
 *   truncated      BOOLEAN      the file ended inside a record
 *   error          VARCHAR      read error, NULL when none
 *   sha256         VARCHAR      hex digest of the file, NULL when not computed
 *   link_types     INTEGER[]    pcap link types seen, NULL when not reported
 *
 * flows — one row per flow (ScanReport.flows[]); written with the DuckDB Appender.
 *   scan_id, flow_id  PK                  scan and FlowReport.id (unique within a scan)
 *   transport         VARCHAR             'tcp' | 'udp'
 *   client_ip, client_port, server_ip, server_port   endpoints (ports 0..65535)
 *   vlan              INTEGER             outer VLAN id, NULL when untagged
 *   tunnel_id         BIGINT              tunnel key (VXLAN VNI, GRE key …), NULL when none
 *   app               VARCHAR             application protocol label ('tls', 'quic', 'ssh', 'http' …)
 *   first_seen, last_seen  TIMESTAMP      first / last packet (UTC, microseconds)
 *   pkts_c2s, pkts_s2c, bytes_c2s, bytes_s2c  BIGINT  packets / payload bytes per direction
 *   end_reason        VARCHAR             'fin', 'rst', 'timeout', 'eof' …, NULL when unknown
 *   has_tls           BOOLEAN             FlowReport.tls was not null
 *   tls_version       VARCHAR             negotiated version, e.g. 'TLS 1.3'
 *   sni               VARCHAR             server_name (attacker-controlled text)
 *   offered_groups    INTEGER[]           supported_groups codepoints, client order, no GREASE
 *   key_share_groups  INTEGER[]           key_share groups of the first ClientHello
 *   selected_group    INTEGER             group actually used
 *   hrr               BOOLEAN             a HelloRetryRequest was seen
 *   cipher_suite      INTEGER             negotiated cipher suite codepoint
 *   alpn              VARCHAR[]           ALPN protocols offered
 *   ja4               VARCHAR             JA4 client fingerprint
 *   signature_algorithms INTEGER[]        signature_algorithms offered
 *   ech               BOOLEAN             encrypted_client_hello offered
 *   cert_sig_alg, cert_key_alg VARCHAR    leaf certificate signature / public-key algorithms
 *   cert_key_bits     INTEGER             leaf public-key size in bits
 *   share_validation  VARCHAR             result of key-share checks (e.g. ML-KEM modulus check)
 *   kex_offered, kex_negotiated VARCHAR   KexClass: plaintext | classical | hybrid | pq | unknown
 *   kex_group         VARCHAR             negotiated group or method name, e.g. 'X25519MLKEM768'
 *   kex_reason        VARCHAR             why a class is unknown (no-handshake, resumed, …)
 *   kex_mechanism     VARCHAR             key-exchange mechanism label (e.g. ssh kex name)
 *   mcp               JSON                FlowReport.mcp (methods, tools, …), NULL when no MCP
 *   sensitivity_category VARCHAR          FlowReport.sensitivity.category
 *   lifetime_years    DOUBLE              FlowReport.sensitivity.lifetimeYears
 *   sensitivity       JSON                the whole sensitivity object
 *   risk_score        DOUBLE              FlowReport.risk.score (0..100)
 *   risk_level        VARCHAR             none | low | medium | high | critical
 *   risk              JSON                the whole risk object
 *   issues            VARCHAR[]           FlowReport.issues
 *   extra             JSON                FlowReport keys not listed above, NULL when none
 *
 * Schema version 2 (MCP messages, findings, handshakes view, opt-in payloads):
 *
 * mcp_messages — one row per MCP / JSON-RPC message record (FlowReport.mcp.messages[seq]);
 *   written with the Appender in writeScan's transaction. Never holds argument / result values.
 *   scan_id, flow_id, seq   (seq = index in mcp.messages; unique per scan and flow)
 *   ts          TIMESTAMP   capture time of the message (UTC, microseconds)
 *   dir         VARCHAR     'c2s' | 's2c'
 *   jsonrpc_id  VARCHAR     JSON-RPC id as text, NULL for notifications
 *   method      VARCHAR     request method, or the answered request's method for responses
 *   kind        VARCHAR     request | notification | response | error
 *   tool        VARCHAR     tools/call params.name (also on the response)
 *   uri         VARCHAR     resources/read params.uri (also on the response)
 *   size        BIGINT      bytes of the message's JSON text
 *   status      INTEGER     HTTP status of the response that carried it, NULL otherwise
 *   session     VARCHAR     FlowReport.mcp.session (core/mcp/link.ts), NULL when not linked
 *
 * findings — one row per ScanReport.findings[idx] (the scans.findings JSON stays as well).
 *   scan_id, idx  PK, rule_id ('HNDL007' …), level, message, server, client,
 *   flow_ids INTEGER[], recommendation, evidence JSON
 *
 * mcp_payloads — opt-in argument / result values (FlowReport.mcp.payloads, only present when a
 *   scan was made with --store-payloads): scan_id, flow_id, seq (the message record's index),
 *   params JSON, result JSON, error JSON.
 *
 * handshakes — VIEW over flows WHERE has_tls: identity, endpoints, TLS and key-exchange columns.
 */

export interface Migration {
  version: number;
  description: string;
  statements: readonly string[];
}

const KEX = `('plaintext','classical','hybrid','pq','unknown')`;

const V1: readonly string[] = [
  `CREATE TABLE scans (
    scan_id      VARCHAR PRIMARY KEY,
    started_at   TIMESTAMP,
    finished_at  TIMESTAMP,
    duration_ms  DOUBLE,
    tool_name    VARCHAR NOT NULL,
    tool_version VARCHAR NOT NULL,
    flows        BIGINT NOT NULL CHECK (flows >= 0),
    packets      BIGINT NOT NULL CHECK (packets >= 0),
    bytes        BIGINT NOT NULL CHECK (bytes >= 0),
    summary      JSON NOT NULL,
    options      JSON,
    findings     JSON,
    extra        JSON,
    stored_at    TIMESTAMP NOT NULL
  )`,
  `CREATE TABLE inputs (
    scan_id    VARCHAR NOT NULL,
    idx        INTEGER NOT NULL,
    path       VARCHAR NOT NULL,
    format     VARCHAR NOT NULL CHECK (format IN ('pcap','pcapng')),
    compressed BOOLEAN,
    packets    BIGINT NOT NULL CHECK (packets >= 0),
    bytes      BIGINT NOT NULL CHECK (bytes >= 0),
    truncated  BOOLEAN NOT NULL,
    error      VARCHAR,
    sha256     VARCHAR,
    link_types INTEGER[],
    PRIMARY KEY (scan_id, idx)
  )`,
  `CREATE TABLE flows (
    scan_id              VARCHAR NOT NULL,
    flow_id              BIGINT NOT NULL,
    transport            VARCHAR NOT NULL CHECK (transport IN ('tcp','udp')),
    client_ip            VARCHAR NOT NULL,
    client_port          INTEGER NOT NULL CHECK (client_port BETWEEN 0 AND 65535),
    server_ip            VARCHAR NOT NULL,
    server_port          INTEGER NOT NULL CHECK (server_port BETWEEN 0 AND 65535),
    vlan                 INTEGER,
    tunnel_id            BIGINT,
    app                  VARCHAR,
    first_seen           TIMESTAMP,
    last_seen            TIMESTAMP,
    pkts_c2s             BIGINT NOT NULL CHECK (pkts_c2s >= 0),
    pkts_s2c             BIGINT NOT NULL CHECK (pkts_s2c >= 0),
    bytes_c2s            BIGINT NOT NULL CHECK (bytes_c2s >= 0),
    bytes_s2c            BIGINT NOT NULL CHECK (bytes_s2c >= 0),
    end_reason           VARCHAR,
    has_tls              BOOLEAN NOT NULL,
    tls_version          VARCHAR,
    sni                  VARCHAR,
    offered_groups       INTEGER[],
    key_share_groups     INTEGER[],
    selected_group       INTEGER,
    hrr                  BOOLEAN,
    cipher_suite         INTEGER,
    alpn                 VARCHAR[],
    ja4                  VARCHAR,
    signature_algorithms INTEGER[],
    ech                  BOOLEAN,
    cert_sig_alg         VARCHAR,
    cert_key_alg         VARCHAR,
    cert_key_bits        INTEGER,
    share_validation     VARCHAR,
    kex_offered          VARCHAR NOT NULL CHECK (kex_offered IN ${KEX}),
    kex_negotiated       VARCHAR NOT NULL CHECK (kex_negotiated IN ${KEX}),
    kex_group            VARCHAR,
    kex_reason           VARCHAR,
    kex_mechanism        VARCHAR,
    mcp                  JSON,
    sensitivity_category VARCHAR,
    lifetime_years       DOUBLE,
    sensitivity          JSON,
    risk_score           DOUBLE,
    risk_level           VARCHAR CHECK (risk_level IN ('none','low','medium','high','critical')),
    risk                 JSON,
    issues               VARCHAR[],
    extra                JSON,
    PRIMARY KEY (scan_id, flow_id)
  )`,
];

const V2: readonly string[] = [
  `CREATE TABLE mcp_messages (
    scan_id    VARCHAR NOT NULL,
    flow_id    BIGINT NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq >= 0),
    ts         TIMESTAMP,
    dir        VARCHAR NOT NULL CHECK (dir IN ('c2s','s2c')),
    jsonrpc_id VARCHAR,
    method     VARCHAR,
    kind       VARCHAR NOT NULL CHECK (kind IN ('request','notification','response','error')),
    tool       VARCHAR,
    uri        VARCHAR,
    size       BIGINT CHECK (size >= 0),
    status     INTEGER,
    session    VARCHAR
  )`,
  `CREATE TABLE findings (
    scan_id        VARCHAR NOT NULL,
    idx            INTEGER NOT NULL,
    rule_id        VARCHAR NOT NULL,
    level          VARCHAR NOT NULL CHECK (level IN ('none','low','medium','high','critical')),
    message        VARCHAR NOT NULL,
    server         VARCHAR,
    client         VARCHAR,
    flow_ids       INTEGER[],
    recommendation VARCHAR,
    evidence       JSON,
    PRIMARY KEY (scan_id, idx)
  )`,
  `CREATE TABLE mcp_payloads (
    scan_id VARCHAR NOT NULL,
    flow_id BIGINT NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq >= 0),
    params  JSON,
    result  JSON,
    error   JSON
  )`,
  `CREATE VIEW handshakes AS
    SELECT scan_id, flow_id, transport, app, first_seen, client_ip, client_port, server_ip, server_port,
           tls_version, sni, offered_groups, key_share_groups, selected_group, hrr, cipher_suite, alpn,
           ja4, signature_algorithms, ech, cert_sig_alg, cert_key_alg, cert_key_bits, share_validation,
           kex_offered, kex_negotiated, kex_group, kex_reason, kex_mechanism
      FROM flows WHERE has_tls`,
];

/** All migrations, in ascending version order. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'scans, inputs and flows tables', statements: V1 },
  { version: 2, description: 'mcp_messages, findings, mcp_payloads tables and handshakes view', statements: V2 },
];

/** The schema version this build writes and reads. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export const META_DDL = `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`;

/** Flow table columns in table order: flowColumns() in write.ts writes exactly this order (a test checks). */
export const FLOW_COLUMNS: readonly string[] = [
  'scan_id', 'flow_id', 'transport', 'client_ip', 'client_port', 'server_ip', 'server_port',
  'vlan', 'tunnel_id', 'app', 'first_seen', 'last_seen', 'pkts_c2s', 'pkts_s2c', 'bytes_c2s',
  'bytes_s2c', 'end_reason', 'has_tls', 'tls_version', 'sni', 'offered_groups',
  'key_share_groups', 'selected_group', 'hrr', 'cipher_suite', 'alpn', 'ja4',
  'signature_algorithms', 'ech', 'cert_sig_alg', 'cert_key_alg', 'cert_key_bits',
  'share_validation', 'kex_offered', 'kex_negotiated', 'kex_group', 'kex_reason',
  'kex_mechanism', 'mcp', 'sensitivity_category', 'lifetime_years', 'sensitivity',
  'risk_score', 'risk_level', 'risk', 'issues', 'extra',
];

/** Input table columns in table order (Appender order). */
export const INPUT_COLUMNS: readonly string[] = [
  'scan_id', 'idx', 'path', 'format', 'compressed', 'packets', 'bytes', 'truncated', 'error',
  'sha256', 'link_types',
];

/** mcp_messages columns in table order (Appender order of appendMcpMessages in write.ts). */
export const MCP_MESSAGE_COLUMNS: readonly string[] = [
  'scan_id', 'flow_id', 'seq', 'ts', 'dir', 'jsonrpc_id', 'method', 'kind', 'tool', 'uri', 'size',
  'status', 'session',
];

/** findings columns in table order (Appender order of appendFinding in write.ts). */
export const FINDING_COLUMNS: readonly string[] = [
  'scan_id', 'idx', 'rule_id', 'level', 'message', 'server', 'client', 'flow_ids', 'recommendation',
  'evidence',
];

/** mcp_payloads columns in table order (Appender order of appendMcpPayloads in write.ts). */
export const MCP_PAYLOAD_COLUMNS: readonly string[] = ['scan_id', 'flow_id', 'seq', 'params', 'result', 'error'];

/** Tables holding per-scan rows added in schema version 2 (deleted with their scan). */
export const SCAN_DETAIL_TABLES: readonly string[] = ['mcp_payloads', 'mcp_messages', 'findings'];
