/**
 * SSH key-exchange facts of one flow (written to flow.ext.ssh). RFC 4253 §4.2 (version
 * exchange) and §7.1 (SSH_MSG_KEXINIT algorithm name-lists).
 */
export interface SshInfo {
  /** identification strings without CR LF, null until seen */
  clientBanner: string | null;
  serverBanner: string | null;
  /** kex_algorithms name-lists in wire order (pseudo-algorithms such as ext-info-c included) */
  clientKex: string[];
  serverKex: string[];
  /** first client kex algorithm the server also lists (pseudo-algorithms ignored) */
  negotiatedKex: string | null;
  /** server_host_key_algorithms name-lists */
  clientHostKeyAlgs: string[];
  serverHostKeyAlgs: string[];
  negotiatedHostKey: string | null;
  /** a KEXINIT was decoded in this direction [client, server] */
  kexinitSeen: [boolean, boolean];
  /** decode problems, e.g. 'ssh.banner_too_long' (capped) */
  errors: string[];
}

export function newSshInfo(): SshInfo {
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

export function addSshError(info: SshInfo, code: string): void {
  if (info.errors.length < MAX_SSH_ERRORS && !info.errors.includes(code)) info.errors.push(code);
}
