export class SignError extends Error {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.name = 'SignError';
        this.code = code;
    }
}
//# sourceMappingURL=errors.js.map