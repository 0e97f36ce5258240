/**
 * User errors: anything a user can cause (missing file, not a capture, bad flag, bad policy
 * file) becomes one line on stderr and exit code 2 (../shared/contract/README.md), never a stack.
 */
export class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
//# sourceMappingURL=errors.js.map