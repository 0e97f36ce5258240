/**
 * Errors of the report-signing module (core/sign): every one is caused by the user's files
 * (unreadable, malformed, wrong size, already existing), so the CLI maps them to exit 2
 * (../shared/contract/README.md).
 */
export type SignErrorCode = 'UNREADABLE' | 'MALFORMED' | 'EXISTS' | 'WRITE_FAILED';

export class SignError extends Error {
  readonly code: SignErrorCode;
  constructor(code: SignErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignError';
    this.code = code;
  }
}
