#!/usr/bin/env bash
# Starts and stops the two real LDAP servers the integration tests run against, on loopback:
#   - a Samba AD DC (realm CORP.EXAMPLE, NetBIOS CORP) on 127.0.0.1:389 (LDAP) and :636 (LDAPS),
#     extended with the OCS 2007 schema, loaded with the demo organisation, a non-admin user and
#     OU=Paging (2,500 users); it is also the realm's KDC on 127.0.0.1:88, its host name
#     dc1.corp.example resolves to 127.0.0.1 (a line in /etc/hosts) and ldap/dc1.corp.example is its
#     SPN, so the tests bind with Kerberos too ($STATE/krb5.conf; kinit with the admin password file);
#   - a private OpenLDAP slapd on 127.0.0.1:3890 with 100,000 users in OU=Big and AD-like limits
#     (sizeLimitExceeded after 1,000 entries without paging, pages of at most 1,000).
#   - a simulated two-domain forest (a child-domain DC on 127.0.0.1:3891, a Global Catalog on :3892):
#     .ci/forest.sh, started and stopped from here; its servers have their own reuse check (forest).
#
# Usage:
#   bash .ci/servers.sh start     install what is missing, provision, start, load data, write the env file
#                                 (reuses servers from an earlier start when healthy and up to date,
#                                 except under CI=true or with OCSFLAGS_SERVERS_REUSE=0)
#   bash .ci/servers.sh restart   stop, then start from scratch
#   bash .ci/servers.sh stop      stop both servers (by PID)
#   bash .ci/servers.sh status    say whether both servers are up
#
# State lives in $OCSFLAGS_SERVERS_DIR (default /tmp/ocsflags-servers); after start, the test run does
#   . "$OCSFLAGS_SERVERS_DIR/env"
# Demo data: $OCSFLAGS_DEMO_LDIF (default directory/demo/demo.ldif, relative to the repository root).
#
# Passwords are random per run, live only in 0600 files under $OCSFLAGS_SERVERS_DIR/secrets and are
# handed to tools with -y FILE or inside 0600 LDIF files; they are never printed. The one exception is
# samba-tool provision --adminpass, which has no other way to take it (it is never echoed or logged).
set -Eeuo pipefail
set +x
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${OCSFLAGS_SERVERS_DIR:-/tmp/ocsflags-servers}
DEMO_LDIF=${OCSFLAGS_DEMO_LDIF:-directory/demo/demo.ldif}
case $DEMO_LDIF in /*) ;; *) DEMO_LDIF=$REPO/$DEMO_LDIF ;; esac
SAMPLE_LDIF=$REPO/testdata/servers/sample-demo.ldif
SCHEMA_AD=$REPO/testdata/servers/ocs-schema-ad.ldif
SCHEMA_SLAPD=$REPO/testdata/servers/ad-ocs.schema

BASE=DC=corp,DC=example
CONFIG_NC=CN=Configuration,$BASE
SCHEMA_NC=CN=Schema,$CONFIG_NC
REALM=CORP.EXAMPLE
DOMAIN=CORP
DNS_DOMAIN=corp.example
ADMIN_UPN=Administrator@$DNS_DOMAIN
ADMIN_DN=CN=Administrator,CN=Users,$BASE
USER_DN="CN=Helpdesk Reader,CN=Users,$BASE"
USER_SAM=helpdesk
USER_UPN=$USER_SAM@$DNS_DOMAIN
PAGING_OU=OU=Paging,$BASE
PAGING_COUNT=2500
SLAPD_PORT=3890
SLAPD_BIND_DN=CN=Manager,$BASE
BIG_OU=OU=Big,$BASE
BIG_COUNT=100000

DC_HOST=dc1.$DNS_DOMAIN
SAMBA_DIR=$STATE/samba
KRB5_CONF=$STATE/krb5.conf
KRB5_ADMIN=Administrator@$REALM
HOSTS_FILE=/etc/hosts
SLAPD_DIR=$STATE/slapd
TLS_DIR=$STATE/tls
SECRETS=$STATE/secrets
LOGS=$STATE/logs
ENV_FILE=$STATE/env
MARKER=$STATE/.ocsflags-servers
ADMIN_PW=$SECRETS/dc-admin.pw
USER_PW=$SECRETS/dc-user.pw
SLAPD_PW=$SECRETS/slapd-manager.pw
SAMBA_PID=$STATE/samba.pid
SLAPD_PID=$STATE/slapd.pid
LOCK=$STATE.lock

PHASE=setup
PHASE_LOGS=()
T0=$EPOCHREALTIME
STARTING=0

say() { printf '[servers] %s\n' "$*" >&2; }

elapsed() { # elapsed seconds since $1 (an EPOCHREALTIME value), one decimal
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

phase() { # phase NAME LOG...: start a phase; its logs are shown if it fails
	PHASE=$1
	shift
	PHASE_LOGS=("$@")
	PHASE_T=$EPOCHREALTIME
}

phase_done() {
	say "$(printf '%-9s %6ss  %s' "$PHASE" "$(elapsed "$PHASE_T")" "${1:-}")"
}

show_logs() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf -- '----- last lines of %s -----\n' "$f" >&2
		grep -v -e '^$' -e '^adding new entry' -e '^modifying entry' "$f" | tail -n 40 >&2 || true
	done
}

die() {
	say "FAILED in phase '$PHASE': $*"
	show_logs "${PHASE_LOGS[@]}"
	exit 1
}

on_err() {
	local rc=$? line=$1 cmd=$2
	trap - ERR
	say "FAILED in phase '$PHASE' (exit $rc) at line $line: $cmd"
	show_logs "${PHASE_LOGS[@]}"
	exit "$rc"
}
trap 'on_err $LINENO "$BASH_COMMAND"' ERR

on_exit() {
	local rc=$?
	if [ "$rc" -ne 0 ] && [ "$STARTING" = 1 ]; then
		say "stopping what was started; state and logs kept in $STATE"
		stop_servers >/dev/null 2>&1 || true
	fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---------------------------------------------------------------------------------------------------
# processes

alive() { # alive PID [COMM]: the process exists, is not a zombie, and has that command name
	local pid=$1 comm=${2:-} stat
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
	stat=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || return 1
	[ "$stat" != Z ] || return 1
	if [ -n "$comm" ]; then
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
	fi
}

read_pid() { if [ -s "$1" ]; then tr -dc 0-9 < "$1"; fi; }

stop_one() { # stop_one NAME PIDFILE COMM
	local name=$1 pidfile=$2 comm=$3 pid
	pid=$(read_pid "$pidfile")
	if [ -n "$pid" ] && alive "$pid" "$comm"; then
		# Started with setsid: the PID is also the process group of the server and its children.
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			alive "$pid" "$comm" || break
			sleep 0.1
		done
		if alive "$pid" "$comm"; then
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
			sleep 0.2
		fi
		alive "$pid" "$comm" && { say "could not stop $name (PID $pid)"; return 1; }
		say "stopped $name (PID $pid)"
	fi
	rm -f "$pidfile"
}

stop_servers() {
	stop_one samba "$SAMBA_PID" samba
	stop_one slapd "$SLAPD_PID" slapd
	bash "$REPO/.ci/forest.sh" stop || true # forest
}

port_open() { # port_open PORT: something accepts connections on 127.0.0.1:PORT
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

check_port_free() {
	local p=$1 who=""
	if port_open "$p"; then
		command -v ss >/dev/null 2>&1 && who=$(ss -ltnpH "sport = :$p" 2>/dev/null | head -n 3)
		die "port $p on 127.0.0.1 is already in use by a process this script did not start${who:+: $who}"
	fi
}

# ---------------------------------------------------------------------------------------------------
# LDAP helpers (ldap-utils)

dc_search() { ldapsearch -LLL -o ldif-wrap=no -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" "$@"; }

dc_rootdse_ok() { ldapsearch -LLL -x -H ldap://127.0.0.1 -s base -b "" defaultNamingContext >/dev/null 2>&1; }

slapd_ok() {
	ldapsearch -LLL -x -H "ldap://127.0.0.1:$SLAPD_PORT" -D "$SLAPD_BIND_DN" -y "$SLAPD_PW" \
		-s base -b "$BASE" dn >/dev/null 2>&1
}

dc_ok() {
	ldapsearch -LLL -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" -s base -b "$PAGING_OU" dn \
		>/dev/null 2>&1
}

exists_dc() { # exists_dc DN
	ldapsearch -LLL -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" -s base -b "$1" dn \
		>/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------------

fingerprint() {
	local f
	{
		for f in "${BASH_SOURCE[0]}" "$SCHEMA_AD" "$SCHEMA_SLAPD" "$DEMO_LDIF" "$SAMPLE_LDIF"; do
			# The forest lines of this script start and stop .ci/forest.sh, which checks its own servers:
			# left out here, so that adding the forest does not restart the Samba DC and slapd in use.
			[ "$f" != "${BASH_SOURCE[0]}" ] || { grep -vi forest "$f" | sha256sum; continue; } # forest
			if [ -f "$f" ]; then sha256sum < "$f"; else echo "missing $f"; fi
		done
		echo "$DEMO_LDIF"
	} | sha256sum | cut -d' ' -f1
}

healthy() {
	[ -f "$ENV_FILE" ] && [ -f "$STATE/fingerprint" ] || return 1
	[ "$(cat "$STATE/fingerprint")" = "$(fingerprint)" ] || return 1
	alive "$(read_pid "$SAMBA_PID")" samba && alive "$(read_pid "$SLAPD_PID")" slapd || return 1
	dc_ok && slapd_ok
}

new_password() { # new_password FILE: random password that passes AD complexity, no newline, mode 0600
	(umask 077 && printf '%s' "Ocs-$(openssl rand -hex 12)-Tq7" > "$1")
}

# ---------------------------------------------------------------------------------------------------
# phases

do_install() {
	phase install "$LOGS/apt.log"
	local missing=() c
	for c in samba samba-tool slapd slapadd slappasswd ldapsearch ldapmodify ldapadd openssl setsid \
		kinit kdestroy; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	dpkg -s samba-ad-provision >/dev/null 2>&1 || missing+=(samba-ad-provision)
	dpkg -s samba-ad-dc >/dev/null 2>&1 || missing+=(samba-ad-dc)
	# ldapsearch -Y GSSAPI, the reference client the Kerberos check below uses.
	dpkg -s libsasl2-modules-gssapi-mit >/dev/null 2>&1 || missing+=(libsasl2-modules-gssapi-mit)
	if [ ${#missing[@]} -eq 0 ]; then
		phase_done "(already installed)"
	else
		[ "$(id -u)" = 0 ] || die "packages missing (${missing[*]}) and not root: cannot apt-get install"
		# slapd: we run our own private instance; keep the package from configuring a system one.
		echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
		apt-get update > "$LOGS/apt.log" 2>&1 || die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			samba-ad-dc samba-ad-provision ldap-utils slapd krb5-user libsasl2-modules-gssapi-mit \
			>> "$LOGS/apt.log" 2>&1 ||
			die "apt-get install failed"
		phase_done "(installed; was missing: ${missing[*]})"
	fi
	# If the packages started system services (only where policy-rc.d allows it), stop them: we run
	# private instances only. Decided by the services' own PID files ("service X status" cannot be
	# trusted: samba-ad-dc's init script answers 0 when samba is not configured at all).
	local svc pidf pid
	for svc in samba-ad-dc:/run/samba/samba.pid smbd:/run/samba/smbd.pid nmbd:/run/samba/nmbd.pid \
		winbind:/run/samba/winbindd.pid slapd:/run/slapd/slapd.pid; do
		pidf=${svc#*:}
		svc=${svc%%:*}
		pid=$(read_pid "$pidf")
		if [ -n "$pid" ] && alive "$pid"; then
			say "stopping the system service $svc (PID $pid) started by the package"
			if [ -d /run/systemd/system ]; then
				systemctl disable --now "$svc" >/dev/null 2>&1 || true
			else
				service "$svc" stop >/dev/null 2>&1 || true
			fi
		fi
	done
}

do_certs() {
	phase certs "$LOGS/certs.log"
	mkdir -p "$TLS_DIR"
	(
		umask 077
		cd "$TLS_DIR"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
			-subj "/CN=ocsflags throwaway test CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
		openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
		printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:$DC_HOST" "basicConstraints=CA:FALSE" \
			"keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > server.ext
		# A positive serial (leading 1 nibble): Go rejects negative serial numbers.
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -days 30 -extfile server.ext \
			-set_serial "0x1$(openssl rand -hex 8)" -out server.pem
		chmod 0600 ca.key server.key
		chmod 0644 ca.pem server.pem
	) > "$LOGS/certs.log" 2>&1
	phase_done
}

do_provision() {
	phase provision "$LOGS/provision.log"
	mkdir -p "$SAMBA_DIR/log" "$SECRETS"
	chmod 0700 "$SECRETS"
	new_password "$ADMIN_PW"
	new_password "$USER_PW"
	new_password "$SLAPD_PW"
	local D=$SAMBA_DIR
	# --adminpass is the one place a password is on a command line (samba-tool has no other way).
	samba-tool domain provision --targetdir="$D" --realm="$REALM" --domain="$DOMAIN" \
		--server-role=dc --dns-backend=NONE --backend-store=mdb --host-name=dc1 \
		--adminpass="$(cat "$ADMIN_PW")" \
		--option="interfaces=127.0.0.1" --option="bind interfaces only=yes" \
		--option="pid directory=$D/run" --option="ncalrpc dir=$D/ncalrpc" \
		--option="winbindd socket directory=$D/winbindd" --option="log file=$D/log/samba.log" \
		> "$LOGS/provision.log" 2>&1 || die "samba-tool domain provision failed"
	# Options provision does not persist: LDAP and the KDC only, simple binds over plain LDAP, schema
	# updates, and our own certificate (Samba's self-made one has no SAN and often a negative serial).
	# interfaces = 127.0.0.1, not lo: lo would take every loopback address, 127.0.0.x of other servers too.
	EXTRA="	server services = ldap, kdc
	ldap server require strong auth = no
	dsdb:schema update allowed = yes
	tls enabled = yes
	tls certfile = $TLS_DIR/server.pem
	tls keyfile = $TLS_DIR/server.key
	tls cafile = $TLS_DIR/ca.pem" \
		awk '/^[ \t]*server services[ \t]*=/ { next }
			{ print }
			/^\[global\]/ { print ENVIRON["EXTRA"] }' "$D/etc/smb.conf" > "$D/etc/smb.conf.new"
	mv "$D/etc/smb.conf.new" "$D/etc/smb.conf"
	# Provisioning with --dns-backend=NONE registers no LDAP service principal; Kerberos binds need it.
	samba-tool spn add "ldap/$DC_HOST" 'DC1$' -s "$D/etc/smb.conf" >> "$LOGS/provision.log" 2>&1 ||
		die "registering the SPN ldap/$DC_HOST failed"
	cat > "$KRB5_CONF" <<-EOF
		# Written by .ci/servers.sh: the test realm, its KDC the Samba DC on 127.0.0.1:88.
		[libdefaults]
		default_realm = $REALM
		dns_lookup_kdc = false
		dns_lookup_realm = false
		rdns = false
		[realms]
		$REALM = {
		kdc = 127.0.0.1
		}
		[domain_realm]
		.$DNS_DOMAIN = $REALM
		$DNS_DOMAIN = $REALM
	EOF
	phase_done
}

# do_hosts: the DC's host name resolves to 127.0.0.1, as the SPN needs (one line, added once).
do_hosts() {
	phase hosts
	if getent hosts "$DC_HOST" | grep -q '^127\.0\.0\.1[[:space:]]'; then
		phase_done "($DC_HOST already resolves to 127.0.0.1)"
		return
	fi
	[ -w "$HOSTS_FILE" ] || die "$DC_HOST must resolve to 127.0.0.1 for Kerberos and $HOSTS_FILE is not writable: add '127.0.0.1 $DC_HOST' to it"
	printf '127.0.0.1 %s # ocsflags test DC (.ci/servers.sh)\n' "$DC_HOST" >> "$HOSTS_FILE"
	phase_done "(added 127.0.0.1 $DC_HOST to $HOSTS_FILE)"
}

# do_kerberos: a ticket from the KDC and a GSSAPI bind with the reference client (ldapsearch -Y
# GSSAPI), so a broken Kerberos set-up fails here, named, rather than in the tests.
do_kerberos() {
	phase kerberos "$LOGS/kerberos.log"
	local cc=$STATE/krb5cc.check
	KRB5_CONFIG=$KRB5_CONF KRB5CCNAME=FILE:$cc kinit "$KRB5_ADMIN" < "$ADMIN_PW" > "$LOGS/kerberos.log" 2>&1 ||
		{ rm -f "$cc"; die "kinit $KRB5_ADMIN against the KDC on 127.0.0.1:88 failed"; }
	KRB5_CONFIG=$KRB5_CONF KRB5CCNAME=FILE:$cc ldapsearch -LLL -N -Q -Y GSSAPI -H "ldap://$DC_HOST" \
		-s base -b "" defaultNamingContext >> "$LOGS/kerberos.log" 2>&1 ||
		{ rm -f "$cc"; die "ldapsearch -Y GSSAPI to ldap://$DC_HOST failed"; }
	KRB5_CONFIG=$KRB5_CONF KRB5CCNAME=FILE:$cc kdestroy >/dev/null 2>&1 || true
	rm -f "$cc"
	phase_done "(kinit and ldapsearch -Y GSSAPI to ldap://$DC_HOST work)"
}

do_start_samba() {
	phase start "$SAMBA_DIR/log/stdout.log" "$SAMBA_DIR/log/samba.log"
	check_port_free 389
	check_port_free 636
	check_port_free 88
	# 9>&-: the server must not inherit the lock on $LOCK (it would hold it for its whole life).
	setsid samba -i -M single -s "$SAMBA_DIR/etc/smb.conf" \
		< /dev/null > "$SAMBA_DIR/log/stdout.log" 2>&1 9>&- &
	echo $! > "$SAMBA_PID"
	local pid
	pid=$(read_pid "$SAMBA_PID")
	for _ in $(seq 600); do
		dc_rootdse_ok && break
		alive "$pid" samba || die "samba (PID $pid) exited during start-up"
		sleep 0.1
	done
	dc_rootdse_ok || die "samba (PID $pid) did not answer on ldap://127.0.0.1:389 within 60 s"
	local ldaps_ok=0
	for _ in $(seq 100); do
		if LDAPTLS_CACERT=$TLS_DIR/ca.pem ldapsearch -LLL -x -H ldaps://127.0.0.1 -s base -b "" \
			defaultNamingContext >/dev/null 2>&1; then
			ldaps_ok=1
			break
		fi
		sleep 0.1
	done
	[ "$ldaps_ok" = 1 ] || die "samba answers on 389 but LDAPS on 636 fails with our CA"
	phase_done "(PID $pid)"
}

do_schema() {
	phase schema "$LOGS/schema.log"
	sed -e "s/@SCHEMA_NC@/$SCHEMA_NC/g" "$SCHEMA_AD" > "$STATE/ocs-schema-ad.ldif"
	ldapmodify -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" -f "$STATE/ocs-schema-ad.ldif" \
		> "$LOGS/schema.log" 2>&1 || die "loading the OCS schema failed"
	phase_done
}

# load_ldif FILE: ldapadd -c; entries the server refuses because they already exist are fine (68, or
# 10/53 for naming-context roots such as DC=corp,DC=example, checked to exist); anything else fails.
load_ldif() {
	local file=$1 skip=$STATE/demo-skipped.ldif out=$LOGS/data.log rc=0
	rm -f "$skip"
	ldapadd -c -S "$skip" -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" -f "$file" \
		> "$out" 2>&1 || rc=$?
	# Client-side problems (LDIF syntax, connection) are never acceptable.
	if grep -E '^(ldapadd|ldapmodify|ldap_sasl_bind|ldap_bind)' "$out" >&2; then
		die "ldapadd could not process $file"
	fi
	[ -s "$skip" ] || { [ "$rc" = 0 ] && return 0; die "ldapadd of $file failed (exit $rc)"; }
	# Skipped records: "# Error: TEXT (CODE), additional info: ..." then the record; lines folded
	# with a leading space. Print CODE<TAB>DN<TAB>message for each.
	local code dn msg bad=() n_exist=0
	while IFS=$'\t' read -r code dn msg; do
		case $dn in
		b64:*) dn=$(printf '%s' "${dn#b64:}" | base64 -d) ;;
		esac
		if [ "$code" = 68 ]; then
			n_exist=$((n_exist + 1))
		elif [ "$code" = 10 ] || [ "$code" = 53 ] && exists_dc "$dn"; then
			n_exist=$((n_exist + 1))
		else
			bad+=("$dn: $msg")
		fi
	done < <(awk '
		function flush() {
			if (have) printf "%s\t%s\t%s\n", code, dn, msg
			have = 0; code = ""; dn = ""; msg = ""
		}
		/^# Error: / {
			flush(); have = 1; msg = substr($0, 10)
			if (match(msg, /\([0-9]+\)/)) code = substr(msg, RSTART + 1, RLENGTH - 2)
			next
		}
		/^ / { if (last == "dn") dn = dn substr($0, 2); next }
		/^dn:: / { dn = "b64:" substr($0, 6); last = "dn"; next }
		/^dn: / { dn = substr($0, 5); last = "dn"; next }
		{ last = "" }
		END { flush() }' "$skip")
	if [ ${#bad[@]} -gt 0 ]; then
		say "the server refused ${#bad[@]} entries of $file:"
		printf '    %s\n' "${bad[@]}" >&2
		die "loading $file failed (refused records are in $skip)"
	fi
	LOAD_NOTE="($n_exist already-existing entries skipped)"
}

do_data() {
	phase data "$LOGS/data.log"
	LOAD_NOTE=""
	local demo=$DEMO_LDIF
	if [ ! -f "$demo" ]; then
		say "WARNING: $demo does not exist; loading the stand-in $SAMPLE_LDIF instead"
		demo=$SAMPLE_LDIF
	fi
	# The built-in Administrator has no userPrincipalName in AD; give it one so searches by UPN work.
	printf 'dn: %s\nchangetype: modify\nreplace: userPrincipalName\nuserPrincipalName: %s\n-\n' \
		"$ADMIN_DN" "$ADMIN_UPN" |
		ldapmodify -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" > "$LOGS/data.log" 2>&1 ||
		die "setting the Administrator's userPrincipalName failed"
	load_ldif "$demo"
	local demo_note=$LOAD_NOTE

	# The non-admin user: password set as unicodePwd over LDAPS, from a 0600 LDIF deleted afterwards.
	local uldif=$SECRETS/user.ldif
	(umask 077 && : > "$uldif")
	(
		printf 'dn: %s\nchangetype: add\nobjectClass: top\nobjectClass: person\n' "$USER_DN"
		printf 'objectClass: organizationalPerson\nobjectClass: user\ncn: Helpdesk Reader\n'
		printf 'sAMAccountName: %s\nuserPrincipalName: %s\n' "$USER_SAM" "$USER_UPN"
		printf 'displayName: Helpdesk Reader\nmail: %s\nuserAccountControl: 512\nunicodePwd:: ' "$USER_UPN"
		printf '"%s"' "$(cat "$USER_PW")" | iconv -f UTF-8 -t UTF-16LE | base64 -w0
		printf '\n'
	) > "$uldif"
	LDAPTLS_CACERT=$TLS_DIR/ca.pem ldapmodify -x -H ldaps://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" \
		-f "$uldif" >> "$LOGS/data.log" 2>&1 || { rm -f "$uldif"; die "creating $USER_DN failed"; }
	rm -f "$uldif"
	ldapsearch -LLL -x -H ldap://127.0.0.1 -D "$USER_UPN" -y "$USER_PW" -s base -b "" dn \
		>> "$LOGS/data.log" 2>&1 || die "$USER_UPN cannot bind"

	# OU=Paging: users point at the first pool found (if any) so the DN reference is valid.
	local pool home=""
	pool=$(dc_search -b "$BASE" '(objectClass=msRTCSIP-Pool)' dn 2>/dev/null | sed -n 's/^dn: //p' | sort | head -n 1 || true)
	if [ -z "$pool" ]; then
		pool=$(dc_search -b "$CONFIG_NC" '(objectClass=msRTCSIP-Pool)' dn 2>/dev/null | sed -n 's/^dn: //p' | sort | head -n 1 || true)
	fi
	if [ -n "$pool" ] && exists_dc "CN=LC Services,CN=Microsoft,$pool"; then
		home="CN=LC Services,CN=Microsoft,$pool"
	fi
	gen_paging "$home" > "$STATE/paging.ldif"
	ldapadd -x -H ldap://127.0.0.1 -D "$ADMIN_UPN" -y "$ADMIN_PW" -f "$STATE/paging.ldif" \
		> "$LOGS/paging.log" 2>&1 || { PHASE_LOGS=("$LOGS/paging.log"); die "loading $PAGING_OU failed"; }
	local n
	n=$(dc_search -b "$PAGING_OU" -E pr=1000/noprompt '(objectClass=user)' dn | grep -c '^dn: ' || true)
	[ "$n" = "$PAGING_COUNT" ] || die "$PAGING_OU has $n users, expected $PAGING_COUNT"
	phase_done "$(basename "$demo") $demo_note; $PAGING_COUNT users in $PAGING_OU"
}

# gen_paging HOMESERVER_DN: LDIF for OU=Paging and its users. 4 in 5 carry OCS attributes, with a mix
# of values; every 7th of those is disabled for OCS; every 11th user is a disabled account (546).
gen_paging() {
	awk -v ou="$PAGING_OU" -v n="$PAGING_COUNT" -v dom="$DNS_DOMAIN" -v home="$1" 'BEGIN {
		printf "dn: %s\nobjectClass: top\nobjectClass: organizationalUnit\nou: Paging\n\n", ou
		split("256 257 384 385 896 961 0 1", flags, " ")
		for (i = 1; i <= n; i++) {
			u = sprintf("page%05d", i)
			printf "dn: CN=Paging User %05d,%s\n", i, ou
			printf "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n"
			printf "cn: Paging User %05d\nsn: User %05d\ngivenName: Paging\n", i, i
			printf "sAMAccountName: %s\nuserPrincipalName: %s@%s\nmail: %s@%s\n", u, u, dom, u, dom
			printf "displayName: Paging User %05d\nuserAccountControl: %d\n", i, (i % 11 == 0 ? 546 : 544)
			if (i % 5 != 0) {
				printf "msRTCSIP-UserEnabled: %s\n", (i % 7 == 0 ? "FALSE" : "TRUE")
				printf "msRTCSIP-PrimaryUserAddress: sip:%s@%s\n", u, dom
				if (home != "") printf "msRTCSIP-PrimaryHomeServer: %s\n", home
				printf "msRTCSIP-OptionFlags: %s\n", flags[i % 8 + 1]
			}
			printf "\n"
		}
	}'
}

# gen_big: LDIF for slapd (root, manager, a pool, OU=Big and its users) for slapadd.
gen_big() {
	local hash=$1
	awk -v base="$BASE" -v conf="$CONFIG_NC" -v mgr="$SLAPD_BIND_DN" -v hash="$hash" -v ou="$BIG_OU" \
		-v n="$BIG_COUNT" -v dom="$DNS_DOMAIN" 'BEGIN {
		cat = "CN=Person,CN=Schema," conf
		printf "dn: %s\nobjectClass: top\nobjectClass: domain\ndc: corp\n\n", base
		printf "dn: %s\nobjectClass: top\nobjectClass: person\ncn: Manager\nsn: Manager\nuserPassword: %s\n\n", mgr, hash
		printf "dn: %s\nobjectClass: top\nobjectClass: container\ncn: Configuration\n\n", conf
		d = conf
		split("Services|RTC Service|Pools", parts, "|")
		for (k = 1; k <= 3; k++) {
			d = "CN=" parts[k] "," d
			printf "dn: %s\nobjectClass: top\nobjectClass: container\ncn: %s\n\n", d, parts[k]
		}
		pool = "CN=bigpool," d
		printf "dn: %s\nobjectClass: top\nobjectClass: msRTCSIP-Pool\ncn: bigpool\ndNSHostName: bigpool.%s\n\n", pool, dom
		printf "dn: CN=Microsoft,%s\nobjectClass: top\nobjectClass: container\ncn: Microsoft\n\n", pool
		home = "CN=LC Services,CN=Microsoft," pool
		printf "dn: %s\nobjectClass: top\nobjectClass: container\ncn: LC Services\n\n", home
		printf "dn: %s\nobjectClass: top\nobjectClass: organizationalUnit\nou: Big\n\n", ou
		split("256 257 384 385 896 961 0 1", flags, " ")
		for (i = 1; i <= n; i++) {
			u = sprintf("big%06d", i)
			printf "dn: CN=Big User %06d,%s\n", i, ou
			printf "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n"
			printf "cn: Big User %06d\nsn: User %06d\nobjectCategory: %s\n", i, i, cat
			printf "sAMAccountName: %s\nuserPrincipalName: %s@%s\nmail: %s@%s\n", u, u, dom, u, dom
			printf "displayName: Big User %06d\nuserAccountControl: 544\n", i
			printf "whenChanged: 20240101000000.0Z\nuSNChanged: %d\n", 10000 + i
			printf "msRTCSIP-PrimaryUserAddress: sip:%s@%s\nmsRTCSIP-UserEnabled: TRUE\n", u, dom
			printf "msRTCSIP-OptionFlags: %s\nmsRTCSIP-PrimaryHomeServer: %s\n\n", flags[i % 8 + 1], home
		}
	}'
}

do_slapd() {
	phase slapd "$LOGS/slapadd.log" "$SLAPD_DIR/slapd.log"
	check_port_free "$SLAPD_PORT"
	mkdir -p "$SLAPD_DIR/data"
	local hash
	hash=$(slappasswd -h '{SSHA}' -T "$SLAPD_PW")
	cat > "$SLAPD_DIR/slapd.conf" <<-EOF
		# Private slapd for ocsflags paging tests (written by .ci/servers.sh).
		include /etc/ldap/schema/core.schema
		include /etc/ldap/schema/cosine.schema
		include $SCHEMA_SLAPD
		pidfile $SLAPD_DIR/slapd.pid.own
		argsfile $SLAPD_DIR/slapd.args
		modulepath /usr/lib/ldap
		moduleload back_mdb
		loglevel none
		access to dn.base="" by * read
		access to dn.base="cn=Subschema" by * read

		database mdb
		suffix "$BASE"
		directory $SLAPD_DIR/data
		maxsize 2147483648
		# No rootdn on purpose: the rootdn is exempt from size limits. Tests bind as $SLAPD_BIND_DN,
		# an ordinary entry with write access.
		index objectClass eq
		index cn,sAMAccountName,userPrincipalName,mail,msRTCSIP-PrimaryUserAddress eq
		# Like AD's MaxPageSize=1000: without paging, sizeLimitExceeded after 1000 entries; with
		# paging, pages of at most 1000 and no limit on the total.
		sizelimit size.soft=1000 size.hard=1000 size.pr=1000 size.prtotal=unlimited
		access to attrs=userPassword by self write by anonymous auth by * none
		access to * by dn.exact="$SLAPD_BIND_DN" write by users read by * none
	EOF
	gen_big "$hash" > "$SLAPD_DIR/big.ldif"
	slapadd -q -f "$SLAPD_DIR/slapd.conf" -l "$SLAPD_DIR/big.ldif" > "$LOGS/slapadd.log" 2>&1 ||
		die "slapadd failed"
	rm -f "$SLAPD_DIR/big.ldif"
	# -d 0 keeps slapd in the foreground (no fork), so $! is its PID; setsid gives it its own group.
	setsid slapd -d 0 -h "ldap://127.0.0.1:$SLAPD_PORT/" -f "$SLAPD_DIR/slapd.conf" \
		< /dev/null > "$SLAPD_DIR/slapd.log" 2>&1 9>&- &
	echo $! > "$SLAPD_PID"
	local pid
	pid=$(read_pid "$SLAPD_PID")
	for _ in $(seq 300); do
		slapd_ok && break
		alive "$pid" slapd || die "slapd (PID $pid) exited during start-up"
		sleep 0.1
	done
	slapd_ok || die "slapd (PID $pid) did not answer on ldap://127.0.0.1:$SLAPD_PORT within 30 s"
	phase_done "(PID $pid; $BIG_COUNT users in $BIG_OU)"
}

write_env() {
	cat > "$ENV_FILE.tmp" <<-EOF
		# Written by .ci/servers.sh start: source it before the integration tests.
		export OCSFLAGS_TEST_DC_URL=ldap://127.0.0.1:389
		export OCSFLAGS_TEST_DC_LDAPS_URL=ldaps://127.0.0.1:636
		export OCSFLAGS_TEST_DC_CA='$TLS_DIR/ca.pem'
		export OCSFLAGS_TEST_DC_BASE='$BASE'
		export OCSFLAGS_TEST_DC_DOMAIN='$DOMAIN'
		export OCSFLAGS_TEST_DC_ADMIN_UPN='$ADMIN_UPN'
		export OCSFLAGS_TEST_DC_ADMIN_DN='$ADMIN_DN'
		export OCSFLAGS_TEST_DC_ADMIN_PASSWORD_FILE='$ADMIN_PW'
		export OCSFLAGS_TEST_DC_USER_DN='$USER_DN'
		export OCSFLAGS_TEST_DC_USER_UPN='$USER_UPN'
		export OCSFLAGS_TEST_DC_USER_PASSWORD_FILE='$USER_PW'
		export OCSFLAGS_TEST_DC_PAGING_OU='$PAGING_OU'
		export OCSFLAGS_TEST_DC_PAGING_COUNT=$PAGING_COUNT
		# Kerberos: the DC by the name its SPN has, the realm's krb5.conf; tests kinit
		# OCSFLAGS_TEST_KRB5_PRINCIPAL with the admin password file into a ccache of their own.
		export OCSFLAGS_TEST_KRB5_PRINCIPAL='$KRB5_ADMIN'
		export OCSFLAGS_TEST_DC_KRB5_URL=ldap://$DC_HOST:389
		export OCSFLAGS_TEST_DC_KRB5_LDAPS_URL=ldaps://$DC_HOST:636
		export OCSFLAGS_TEST_KRB5_CONFIG='$KRB5_CONF'
		export OCSFLAGS_TEST_KRB5_REALM='$REALM'
		export OCSFLAGS_TEST_SLAPD_URL=ldap://127.0.0.1:$SLAPD_PORT
		export OCSFLAGS_TEST_SLAPD_BASE='$BASE'
		export OCSFLAGS_TEST_SLAPD_BIND_DN='$SLAPD_BIND_DN'
		export OCSFLAGS_TEST_SLAPD_PASSWORD_FILE='$SLAPD_PW'
		export OCSFLAGS_TEST_SLAPD_PAGING_OU='$BIG_OU'
		export OCSFLAGS_TEST_SLAPD_PAGING_COUNT=$BIG_COUNT
	EOF
	mv "$ENV_FILE.tmp" "$ENV_FILE"
	fingerprint > "$STATE/fingerprint"
}

# Remove the state directory only when it is ours (never an arbitrary directory someone pointed at).
reset_state() {
	if [ -e "$STATE" ]; then
		if [ -f "$MARKER" ] || [ -z "$(ls -A "$STATE" 2>/dev/null)" ]; then
			rm -rf "$STATE"
		else
			die "$STATE exists and is not an ocsflags servers directory; refusing to delete it"
		fi
	fi
	mkdir -p "$STATE" "$LOGS"
	: > "$MARKER"
}

cmd_start() {
	# Reuse servers from an earlier start unless told not to. Under CI (CI=true) always start afresh:
	# earlier test runs on the same machine may have changed the data.
	local reuse=${OCSFLAGS_SERVERS_REUSE:-1}
	[ "${CI:-}" != true ] || reuse=0
	if [ "$reuse" = 1 ] && healthy; then
		say "servers from an earlier start are healthy and up to date: reusing them"
		bash "$REPO/.ci/forest.sh" start || say "WARNING: the simulated forest did not start; its tests will fail (forest)"
		say "env: $ENV_FILE"
		return 0
	fi
	stop_servers
	STARTING=1
	reset_state
	PHASE=preflight
	check_port_free 389
	check_port_free 636
	check_port_free 88
	check_port_free "$SLAPD_PORT"
	do_install
	do_certs
	do_provision
	do_hosts
	do_start_samba
	do_kerberos
	do_schema
	do_data
	do_slapd
	write_env
	STARTING=0
	bash "$REPO/.ci/forest.sh" start || say "WARNING: the simulated forest did not start; its tests will fail (forest)"
	PHASE=total
	say "ready in $(elapsed "$T0")s; env: $ENV_FILE"
}

cmd_status() {
	local s=down l=down
	alive "$(read_pid "$SAMBA_PID")" samba && dc_rootdse_ok && s="up (PID $(read_pid "$SAMBA_PID"))"
	alive "$(read_pid "$SLAPD_PID")" slapd && slapd_ok && l="up (PID $(read_pid "$SLAPD_PID"))"
	say "samba: $s; slapd: $l; env: $([ -f "$ENV_FILE" ] && echo "$ENV_FILE" || echo none)"
	bash "$REPO/.ci/forest.sh" status || true # forest
	[ "$s" != down ] && [ "$l" != down ] && return 0
	return 3
}

main() {
	local cmd=${1:-}
	case $cmd in
	start | stop | restart | status) ;;
	*)
		echo "usage: bash .ci/servers.sh start|stop|restart|status" >&2
		exit 2
		;;
	esac
	mkdir -p "$(dirname "$LOCK")"
	exec 9> "$LOCK"
	flock -w 600 9 || die "another servers.sh holds $LOCK"
	case $cmd in
	start) cmd_start ;;
	restart)
		stop_servers
		cmd_start
		;;
	stop)
		stop_servers
		rm -f "$ENV_FILE"
		;;
	status) cmd_status || exit 3 ;;
	esac
}

main "$@"
