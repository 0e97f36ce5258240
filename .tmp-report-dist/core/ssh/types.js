export function newSshInfo() {
    return {
        clientBanner: null,
        serverBanner: null,
        clientKex: [],
        serverKex: [],
        negotiatedKex: null,
        clientHostKeyAlgs: [],
        serverHostKeyAlgs: [],
        negotiatedHostKey: null,
        kexinitSeen: [false, false],
        errors: [],
    };
}
/** At most this many distinct error codes are kept per flow. */
export const MAX_SSH_ERRORS = 16;
export function addSshError(info, code) {
    if (info.errors.length < MAX_SSH_ERRORS && !info.errors.includes(code))
        info.errors.push(code);
}
//# sourceMappingURL=types.js.map