export const RULES = {
    plaintextMcp: {
        id: 'HNDL001',
        name: 'plaintext-mcp',
        title: 'MCP traffic in plaintext',
        help: 'Model Context Protocol messages (tool calls, arguments, results) cross the network unencrypted: anyone on the path can read them now, not only after a quantum computer exists. Put the MCP server behind TLS 1.3 with X25519MLKEM768.',
    },
    plaintext: {
        id: 'HNDL002',
        name: 'plaintext-traffic',
        title: 'Plaintext application traffic',
        help: 'The flow carries a recognised application protocol without encryption. Its content is readable today.',
    },
    offeredHybridNegotiatedClassical: {
        id: 'HNDL003',
        name: 'offered-hybrid-negotiated-classical',
        title: 'Client offered post-quantum key exchange, server chose classical',
        help: 'The client already offers a hybrid post-quantum group (e.g. X25519MLKEM768) but the server negotiated a classical one. Enabling the hybrid group on the server protects this traffic against harvest-now-decrypt-later with no client change.',
    },
    classicalLongLived: {
        id: 'HNDL004',
        name: 'classical-kex-long-lived-data',
        title: 'Classical key exchange on data that stays sensitive',
        help: 'The key exchange (RSA, ECDHE or DHE) can be broken by a cryptographically relevant quantum computer, and the data it protects stays sensitive long enough for that to matter. Recorded traffic can be decrypted later.',
    },
    malformedPqShare: {
        id: 'HNDL005',
        name: 'malformed-pq-share',
        title: 'Malformed post-quantum key share',
        help: 'A hybrid or ML-KEM key share has the wrong length for its group or fails the FIPS 203 encapsulation-key check: it gives no post-quantum protection.',
    },
    legacyKyberDraft: {
        id: 'HNDL006',
        name: 'legacy-kyber-draft',
        title: 'Pre-standard Kyber draft group',
        help: 'The hybrid group is a pre-FIPS 203 Kyber draft (e.g. X25519Kyber768Draft00). Move to the standard X25519MLKEM768.',
    },
    unregisteredMcpServer: {
        id: 'HNDL007',
        name: 'unregistered-mcp-server',
        title: 'Unregistered (shadow) MCP server',
        help: 'An MCP server was seen on the network that is not in the inventory of registered servers.',
    },
    registeredMcpPlaintext: {
        id: 'HNDL008',
        name: 'registered-mcp-server-plaintext',
        title: 'Registered MCP server reached over plaintext',
        help: 'A registered MCP server was reached without TLS.',
    },
    toolCallOutsidePolicy: {
        id: 'HNDL009',
        name: 'tool-call-outside-policy',
        title: 'MCP tool call outside policy',
        help: 'A client called a tool it is not allowed to call on that server (confused-deputy check).',
    },
    unknownKex: {
        id: 'HNDL010',
        name: 'unknown-key-exchange',
        title: 'Key exchange not visible',
        help: 'The handshake of this encrypted flow is not in the capture or could not be decoded, so its quantum exposure is unknown (not safe).',
    },
    cnsaNonCompliant: {
        id: 'HNDL011',
        name: 'not-cnsa-2.0',
        title: 'Post-quantum but not CNSA 2.0 compliant',
        help: 'NSA CNSA 2.0 requires ML-KEM-1024; X25519MLKEM768 and other ML-KEM-768 groups are post-quantum but not CNSA 2.0 compliant.',
    },
};
export const RULE_LIST = Object.values(RULES);
//# sourceMappingURL=rules.js.map