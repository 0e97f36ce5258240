export function newTlsInfo() {
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
//# sourceMappingURL=types.js.map