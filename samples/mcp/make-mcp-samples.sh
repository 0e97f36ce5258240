#!/usr/bin/env bash
# Captures real MCP sessions (official TypeScript SDK client + server) on loopback inside a
# private network namespace. Needs: root (unshare -n), tcpdump, socat, node.
# Output: ../mcp-streamable-json.pcap, ../mcp-streamable-sse.pcap, ../mcp-stateless.pcap,
#         ../mcp-legacy-sse.pcap, ../mcp-ndjson-tcp.pcap
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(cd "$here/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
export NODE_PATH="$root/node_modules"
cd "$root"  # so the SDK resolves from ./node_modules

capture() { # name mode port
  local name=$1 mode=$2 port=$3
  local file="$out/$name.pcap"
  rm -f "$file"
  unshare -n bash -c "
    set -e
    ip link set lo up
    tcpdump -Z root -i lo -s 0 -U --immediate-mode -w '$file' 'tcp port $port' 2>/dev/null &
    td=\$!
    sleep 1
    if [ '$mode' = stdio ]; then
      socat TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr EXEC:'node $here/mcp-server.mjs stdio' &
    else
      node '$here/mcp-server.mjs' '$mode' $port &
    fi
    srv=\$!
    sleep 1.5
    timeout 30 node '$here/mcp-client.mjs' '$mode' $port
    sleep 1
    kill \$srv 2>/dev/null || true
    sleep 0.5
    kill \$td
    wait \$td 2>/dev/null || true
  "
  echo "$name: $(stat -c %s "$file") bytes"
}

capture mcp-streamable-json json 8931
capture mcp-streamable-sse sse 8932
capture mcp-stateless stateless 8933
capture mcp-legacy-sse legacy 8934
capture mcp-ndjson-tcp stdio 8935
