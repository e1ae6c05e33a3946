#!/usr/bin/env bash
# A simulated two-domain Active Directory forest for the forest tests, on loopback, next to the
# servers of .ci/servers.sh (which runs this script: `forest.sh start` from its start, `stop` from
# its stop). Samba cannot host a child domain, so two private OpenLDAP slapd instances stand in:
#
#   - a "child DC" on 127.0.0.1:3891 holding the child domain DC=corp,DC=example (the demo
#     organisation, its home servers pointing at the ROOT domain's pools, and OU=Big with a few
#     hundred users) and the forest's configuration naming context CN=Configuration,DC=example.
#     Its rootDSE (slapd's `rootDSE FILE`) says what a child-domain DC says: defaultNamingContext
#     the child domain, rootDomainNamingContext DC=example, configurationNamingContext the root's
#     configuration, isGlobalCatalogReady FALSE. It does NOT hold the root domain, so the OCS 2007
#     pools in CN=System,DC=example are not on it, as on a real child-domain DC.
#   - a "Global Catalog" on 127.0.0.1:3892 holding every domain: the root domain DC=example (its
#     System-container pools and a few root-domain users, one holding a sign-in name a test tries
#     to give a child user), the configuration, and a copy of the child domain.
#
# Both take the same bind identity CN=Manager,DC=corp,DC=example (an entry of the child domain, as
# a child-domain admin's account is; the Global Catalog holds its copy), so ocsflags binds to the
# Global Catalog with the DC's credentials as it does against AD.
#
# Usage: bash .ci/forest.sh start|stop|status. start reuses instances that are up and whose data
# and configuration are unchanged, and otherwise (re)builds only these two instances; it never
# touches the Samba DC or the slapd on 3890. It adds the OCSFLAGS_TEST_FOREST_* variables to the
# env file of .ci/servers.sh.
set -Eeuo pipefail
set +x
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${OCSFLAGS_SERVERS_DIR:-/tmp/ocsflags-servers}
DEMO_LDIF=${OCSFLAGS_DEMO_LDIF:-directory/demo/demo.ldif}
case $DEMO_LDIF in /*) ;; *) DEMO_LDIF=$REPO/$DEMO_LDIF ;; esac
SCHEMA_SLAPD=$REPO/testdata/servers/ad-ocs.schema
SCHEMA_FOREST=$REPO/testdata/servers/forest.schema

DIR=$STATE/forest
SECRETS=$STATE/secrets
TLS=$STATE/tls
PW=$SECRETS/forest-manager.pw
ENV_FILE=$STATE/env
CHILD_PORT=3891
GC_PORT=3892
ROOT=DC=example
CHILD=DC=corp,DC=example
CONFIG=CN=Configuration,$ROOT
BIND_DN=CN=Manager,$CHILD
BIG_OU=OU=Big,$CHILD
BIG_COUNT=2500
ROOT_DUP_SIP=sip:forest.dup@corp.example

say() { printf '[forest] %s\n' "$*" >&2; }
die() {
	say "FAILED: $*"
	local f
	for f in "$DIR"/*.log; do
		[ -s "$f" ] && { printf -- '----- last lines of %s -----\n' "$f" >&2; tail -n 30 "$f" >&2; }
	done
	exit 1
}

alive() { # alive PID: the process exists, is not a zombie, and is slapd
	local pid=$1 stat
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
	stat=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || return 1
	[ "$stat" != Z ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = slapd ]
}

read_pid() { if [ -s "$1" ]; then tr -dc 0-9 < "$1"; fi; }

answers() { # answers PORT: slapd on PORT answers a bound search
	ldapsearch -LLL -x -H "ldap://127.0.0.1:$1" -D "$BIND_DN" -y "$PW" -s base -b "$CHILD" dn >/dev/null 2>&1
}

fingerprint() {
	{
		for f in "${BASH_SOURCE[0]}" "$SCHEMA_SLAPD" "$SCHEMA_FOREST" "$DEMO_LDIF"; do
			if [ -f "$f" ]; then sha256sum < "$f"; else echo "missing $f"; fi
		done
	} | sha256sum | cut -d' ' -f1
}

healthy() {
	[ -f "$DIR/fingerprint" ] && [ "$(cat "$DIR/fingerprint")" = "$(fingerprint)" ] && [ -s "$PW" ] || return 1
	alive "$(read_pid "$DIR/child.pid")" && alive "$(read_pid "$DIR/gc.pid")" || return 1
	answers "$CHILD_PORT" && answers "$GC_PORT"
}

stop_one() { # stop_one NAME: stop the instance this script started (by its PID file)
	local pid
	pid=$(read_pid "$DIR/$1.pid")
	if [ -n "$pid" ] && alive "$pid"; then
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			alive "$pid" || break
			sleep 0.1
		done
		alive "$pid" && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
		say "stopped the forest's $1 slapd (PID $pid)"
	fi
	rm -f "$DIR/$1.pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# normalize: every entry gets the attribute of its RDN (Samba adds it by itself, slapd wants it
# written) and the auxiliary class that allows the AD attributes core.schema lacks.
# Attributes and classes the schema does not define are left out (the demo is written for AD), so
# a new attribute in the demo never stops the forest from loading.
normalize() {
	local known
	known=$({ grep -ho "NAME '[^']*'" "$SCHEMA_SLAPD" "$SCHEMA_FOREST" | cut -d"'" -f2
		printf '%s\n' objectClass cn sn ou dc description givenName mail userPassword top person \
			organizationalPerson organizationalUnit domain; } | tr 'A-Z' 'a-z' | tr '\n' ' ')
	awk -v known="$known" 'BEGIN { RS = ""; ORS = "\n\n"; n = split(known, kn, " "); for (i = 1; i <= n; i++) ok[kn[i]] = 1 }
	{
		n = split($0, lines, "\n")
		out = ""; dn = ""; b64 = 0
		for (i = 1; i <= n; i++) {
			if (lines[i] ~ /^#/ || lines[i] ~ /^version:/) continue
			a = tolower(lines[i]); sub(/:.*/, "", a)
			if (a != "dn" && !(a in ok)) continue
			if (a == "objectclass") { v = tolower(lines[i]); sub(/^[^:]*: */, "", v); if (!(v in ok)) continue }
			if (lines[i] ~ /^dn:: /) b64 = 1
			if (lines[i] ~ /^dn: /) dn = substr(lines[i], 5)
			out = out lines[i] "\n"
		}
		if (dn == "" && !b64) next
		if (!b64) {
			# The RDN ends at the first comma that is not escaped.
			end = length(dn) + 1
			for (k = 1; k <= length(dn); k++) {
				c = substr(dn, k, 1)
				if (c == "\\") { k++; continue }
				if (c == ",") { end = k; break }
			}
			rdn = substr(dn, 1, end - 1)
			eq = index(rdn, "=")
			type = tolower(substr(rdn, 1, eq - 1)); val = substr(rdn, eq + 1)
			gsub(/\\,/, ",", val)
			if (tolower("\n" out) !~ ("\n" type "::? ")) out = out type ": " val "\n"
		}
		# person requires sn, which AD does not (contacts often lack it).
		if (tolower(out) ~ /\nobjectclass: person\n/ && tolower("\n" out) !~ /\nsn::? /) out = out "sn: -\n"
		# A change marker as AD keeps one (set once here: slapd does not maintain it).
		if (tolower(out) ~ /\nobjectclass: (user|contact)\n/ && tolower(out) !~ /\nusnchanged:/) out = out "uSNChanged: " (++usn + 5000) "\n"
		out = out "objectClass: adObject\n"
		sub(/\n$/, "", out)
		print out
	}'
}

# The demo organisation as the child domain: its configuration container moves to the root's
# configuration, its System-container pools to the root domain, and every reference with them.
to_forest() {
	sed -e "s/CN=RTC Service,CN=Microsoft,CN=System,DC=corp,DC=example/CN=RTC Service,CN=Microsoft,CN=System,$ROOT/g" \
		-e "s/CN=Configuration,DC=corp,DC=example/$CONFIG/g" "$DEMO_LDIF"
}

split_demo() { # split_demo: child.ldif, config.ldif and rootpools.ldif from the demo
	to_forest | normalize | awk -v child="$DIR/child.ldif" -v conf="$DIR/config.ldif" -v pools="$DIR/rootpools.ldif" \
		-v cfg="$CONFIG" -v rtc="CN=RTC Service,CN=Microsoft,CN=System,$ROOT" 'BEGIN { RS = ""; ORS = "\n\n" }
	{
		dn = $0; sub(/^dn: /, "", dn); sub(/\n.*/, "", dn)
		if (index(dn, cfg) > 0 && substr(dn, length(dn) - length(cfg) + 1) == cfg) print > conf
		else if (index(dn, rtc) > 0) print > pools
		else print > child
	}'
}

gen_extra() { # gen_extra HASH: the manager and OU=Big (child), the root domain's own entries
	local hash=$1
	{
		printf 'dn: %s\nobjectClass: top\nobjectClass: person\nobjectClass: adObject\ncn: Manager\nsn: Manager\nuserPassword: %s\n\n' "$BIND_DN" "$hash"
		awk -v ou="$BIG_OU" -v n="$BIG_COUNT" -v home="CN=LC Services,CN=Microsoft,CN=pool01,CN=Pools,CN=RTC Service,CN=Services,$CONFIG" 'BEGIN {
			printf "dn: %s\nobjectClass: top\nobjectClass: organizationalUnit\nou: Big\n\n", ou
			for (i = 1; i <= n; i++) {
				u = sprintf("fbig%04d", i)
				printf "dn: CN=Forest Big %04d,%s\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n", i, ou
				printf "cn: Forest Big %04d\nsn: Big %04d\nsAMAccountName: %s\nuserPrincipalName: %s@corp.example\n", i, i, u, u
				printf "uSNChanged: %d\nuserAccountControl: 512\nmsRTCSIP-UserEnabled: TRUE\nmsRTCSIP-PrimaryUserAddress: sip:%s@corp.example\n", 20000 + i, u
				printf "msRTCSIP-OptionFlags: 256\nmsRTCSIP-PrimaryHomeServer: %s\n\n", home
			}
		}'
	} > "$DIR/child-extra.ldif"
	cat > "$DIR/root.ldif" <<-EOF
		dn: $ROOT
		objectClass: top
		objectClass: domain
		objectClass: domainDNS
		objectClass: adObject
		dc: example

		dn: CN=System,$ROOT
		objectClass: top
		objectClass: container
		objectClass: adObject
		cn: System
		showInAdvancedViewOnly: TRUE

		dn: CN=Microsoft,CN=System,$ROOT
		objectClass: top
		objectClass: container
		objectClass: adObject
		cn: Microsoft
		showInAdvancedViewOnly: TRUE

		dn: OU=Root Staff,$ROOT
		objectClass: top
		objectClass: organizationalUnit
		objectClass: adObject
		ou: Root Staff

		dn: CN=Root Holder,OU=Root Staff,$ROOT
		objectClass: top
		objectClass: person
		objectClass: organizationalPerson
		objectClass: user
		objectClass: adObject
		cn: Root Holder
		sn: Holder
		sAMAccountName: rholder
		userPrincipalName: rholder@example
		userAccountControl: 512
		msRTCSIP-UserEnabled: TRUE
		msRTCSIP-PrimaryUserAddress: $ROOT_DUP_SIP
		msRTCSIP-OptionFlags: 256
		msRTCSIP-PrimaryHomeServer: CN=LC Services,CN=Microsoft,CN=OCS2007-SE,CN=Pools,CN=RTC Service,CN=Microsoft,CN=System,$ROOT

	EOF
}

conf() { # conf NAME ROOTDSE DATABASES...: slapd.conf for one instance
	local name=$1 rootdse=$2
	shift 2
	cat <<-EOF
		# Private slapd: the forest's $name (written by .ci/forest.sh).
		include /etc/ldap/schema/core.schema
		include /etc/ldap/schema/cosine.schema
		include $SCHEMA_SLAPD
		include $SCHEMA_FOREST
		pidfile $DIR/$name.pid.own
		argsfile $DIR/$name.args
		modulepath /usr/lib/ldap
		moduleload back_mdb
		loglevel none
		rootDSE $rootdse
		# StartTLS with the certificate of .ci/servers.sh (IP:127.0.0.1), so tests need not bind in
		# clear.
		TLSCACertificateFile $TLS/ca.pem
		TLSCertificateFile $TLS/server.pem
		TLSCertificateKeyFile $TLS/server.key
		access to dn.base="" by * read
		access to dn.base="cn=Subschema" by * read
	EOF
	local suffix
	for suffix in "$@"; do
		local d=$DIR/$name-$(echo "$suffix" | tr -c 'a-zA-Z0-9' _)
		mkdir -p "$d"
		cat <<-EOF

			database mdb
			suffix "$suffix"
			directory $d
			maxsize 268435456
			index objectClass eq
			index cn,sAMAccountName,userPrincipalName,mail,msRTCSIP-PrimaryUserAddress eq
			sizelimit size.soft=1000 size.hard=1000 size.pr=1000 size.prtotal=unlimited
			access to attrs=userPassword by self write by anonymous auth by * none
			access to * by dn.exact="$BIND_DN" write by users read by * none
		EOF
	done
}

start_one() { # start_one NAME PORT
	local name=$1 port=$2 pid
	setsid slapd -d 0 -h "ldap://127.0.0.1:$port/" -f "$DIR/$name.conf" < /dev/null > "$DIR/$name.log" 2>&1 9>&- &
	echo $! > "$DIR/$name.pid"
	pid=$(read_pid "$DIR/$name.pid")
	for _ in $(seq 300); do
		answers "$port" && return 0
		alive "$pid" || die "the forest's $name slapd (PID $pid) exited during start-up"
		sleep 0.1
	done
	die "the forest's $name slapd (PID $pid) did not answer on ldap://127.0.0.1:$port within 30 s"
}

write_env() {
	[ -f "$ENV_FILE" ] || die "$ENV_FILE does not exist: run bash .ci/servers.sh start"
	{
		grep -v '^export OCSFLAGS_TEST_FOREST_' "$ENV_FILE" || true
		cat <<-EOF
			export OCSFLAGS_TEST_FOREST_CHILD_URL=ldap://127.0.0.1:$CHILD_PORT
			export OCSFLAGS_TEST_FOREST_GC_URL=ldap://127.0.0.1:$GC_PORT
			export OCSFLAGS_TEST_FOREST_CA='$TLS/ca.pem'
			export OCSFLAGS_TEST_FOREST_ROOT='$ROOT'
			export OCSFLAGS_TEST_FOREST_CHILD='$CHILD'
			export OCSFLAGS_TEST_FOREST_BIND_DN='$BIND_DN'
			export OCSFLAGS_TEST_FOREST_PASSWORD_FILE='$PW'
			export OCSFLAGS_TEST_FOREST_BIG_OU='$BIG_OU'
			export OCSFLAGS_TEST_FOREST_BIG_COUNT=$BIG_COUNT
			export OCSFLAGS_TEST_FOREST_ROOT_SIP='$ROOT_DUP_SIP'
		EOF
	} > "$ENV_FILE.forest.tmp"
	mv "$ENV_FILE.forest.tmp" "$ENV_FILE"
}

cmd_start() {
	local t0=$EPOCHREALTIME
	if healthy; then
		say "the forest's child DC (:$CHILD_PORT) and Global Catalog (:$GC_PORT) are up and up to date: reusing them"
		write_env
		return 0
	fi
	stop_one child
	stop_one gc
	port_free "$CHILD_PORT" || die "port $CHILD_PORT on 127.0.0.1 is in use by a process this script did not start"
	port_free "$GC_PORT" || die "port $GC_PORT on 127.0.0.1 is in use by a process this script did not start"
	rm -rf "$DIR"
	mkdir -p "$DIR" "$SECRETS"
	[ -s "$TLS/server.pem" ] || die "$TLS/server.pem is missing: run bash .ci/servers.sh start"
	[ -s "$PW" ] || (umask 077 && printf '%s' "Forest-$(openssl rand -hex 12)" > "$PW")
	local hash
	hash=$(slappasswd -h '{SSHA}' -T "$PW")
	split_demo
	gen_extra "$hash"

	cat > "$DIR/child-rootdse.ldif" <<-EOF
		dn:
		defaultNamingContext: $CHILD
		rootDomainNamingContext: $ROOT
		configurationNamingContext: $CONFIG
		isGlobalCatalogReady: FALSE
		supportedCapabilities: 1.2.840.113556.1.4.800
	EOF
	cat > "$DIR/gc-rootdse.ldif" <<-EOF
		dn:
		defaultNamingContext: $ROOT
		rootDomainNamingContext: $ROOT
		configurationNamingContext: $CONFIG
		isGlobalCatalogReady: TRUE
	EOF
	# The child DC: the child domain and the configuration, each its own naming context. The
	# Global Catalog: one tree from the root down (the child domain and the configuration are
	# below DC=example), which a subtree search from DC=example covers.
	conf child "$DIR/child-rootdse.ldif" "$CHILD" "$CONFIG" > "$DIR/child.conf"
	conf gc "$DIR/gc-rootdse.ldif" "$ROOT" > "$DIR/gc.conf"
	{
		slapadd -f "$DIR/child.conf" -b "$CHILD" -l "$DIR/child.ldif"
		slapadd -f "$DIR/child.conf" -b "$CHILD" -l "$DIR/child-extra.ldif"
		slapadd -f "$DIR/child.conf" -b "$CONFIG" -l "$DIR/config.ldif"
		cat "$DIR/root.ldif" "$DIR/rootpools.ldif" "$DIR/config.ldif" "$DIR/child.ldif" "$DIR/child-extra.ldif" |
			slapadd -f "$DIR/gc.conf" -b "$ROOT"
	} > "$DIR/slapadd.log" 2>&1 || die "slapadd failed"
	start_one child "$CHILD_PORT"
	start_one gc "$GC_PORT"
	fingerprint > "$DIR/fingerprint"
	write_env
	say "child DC on :$CHILD_PORT, Global Catalog on :$GC_PORT (PIDs $(read_pid "$DIR/child.pid"), $(read_pid "$DIR/gc.pid")) in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
}

case ${1:-} in
start) cmd_start ;;
stop)
	stop_one child
	stop_one gc
	;;
status)
	if healthy; then say "child DC and Global Catalog: up"; else say "child DC and Global Catalog: down or out of date"; exit 3; fi
	;;
*)
	echo "usage: bash .ci/forest.sh start|stop|status" >&2
	exit 2
	;;
esac
