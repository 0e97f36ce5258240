/**
 * Standard output closed by its reader (`hndl-scan cap.pcap | head`): Node reports EPIPE as an
 * 'error' event on process.stdout, which would end the process with a stack trace. The CLI
 * watches for it once; writers stop writing, and the exit code still comes from the scan.
 * Any other stdout error is one line on stderr and exit 2.
 */
let closed = false;
let watching = false;

export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      closed = true;
      return;
    }
    if (!closed) process.stderr.write(`hndl-scan: cannot write to standard output: ${e.message}\n`);
    closed = true;
    process.exitCode = 2;
  });
}

/** true once the reader of standard output went away */
export function stdoutClosed(): boolean {
  return closed;
}
