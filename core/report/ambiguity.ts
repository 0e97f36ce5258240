/**
 * Flow issues that make a handshake's stream ambiguous: two different copies of the same bytes
 * (an overlap, or a retransmission that differs from what was delivered, in TCP or in QUIC
 * CRYPTO frames), two starts (two ISNs), or a retransmission that could not be compared. Which
 * copy an endpoint kept depends on its stack (Ptacek & Newsham 1998, §3.3), so no hybrid or pq
 * claim is made from such a stream (core/tls/classify.ts ClassifyHints.ambiguousStream,
 * core/report/build.ts unclaimKex / unclaimReport, core/report/resume.ts).
 */
export const AMBIGUOUS_ISSUES: readonly string[] = [
  'tcp.overlap_mismatch',
  'quic.crypto_overlap_mismatch',
  'tcp.isn_conflict',
  'tcp.retransmission_unverified',
  'quic.crypto_unverified',
];

/** the issue that makes a flow's stream ambiguous, or null */
export function ambiguousIssue(issues: readonly string[]): string | null {
  for (let i = 0; i < issues.length; i++) {
    const x = issues[i];
    if (x !== undefined && AMBIGUOUS_ISSUES.includes(x)) return x;
  }
  return null;
}
