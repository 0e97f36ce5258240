export function newQuicInfo() {
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
//# sourceMappingURL=types.js.map