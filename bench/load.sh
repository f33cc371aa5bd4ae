#!/usr/bin/env bash
# The example app under load: builds ./example, starts it on a free
# loopback port with a temporary database, signs up and logs in one user
# with curl (a cookie jar), then runs wrk with bench/load.lua (50% POST as
# that user, 40% list, 10% unknown id), the session cookie in every
# request, at 8, 64 and 512 connections, then checks: no 5xx and no 401
# (the login held), every 201 has its topic row and its audit row, no
# audit row without its topic, p99 at 64 connections <= 100 ms.
#
#   bench/load.sh                  # 10 s per run
#   DURATION=5s bench/load.sh
#   BIN=/tmp/example bench/load.sh # load a server built beforehand
#
# Loopback only, bounded by DURATION per run. Installs wrk and sqlite3 from
# Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
for tool in wrk sqlite3; do
	if ! command -v $tool >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
		$SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq $tool >/dev/null
	fi
done

tmp=$(mktemp -d)
if [ -n "${BIN:-}" ]; then cp "$BIN" "$tmp/example"; else go build -o "$tmp/example" ./example; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
addr=127.0.0.1:$port
"$tmp/example" -addr "$addr" -run "$tmp/run" >"$tmp/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	curl -fsS "http://$addr/api/v2/topics?limit=1" >/dev/null 2>&1 && break
	sleep 0.1
done

# One user, logged in once: the POSTs of the run are that user's. The
# session cookie (encrypted, holding the user's id) goes to wrk as a
# header; wrk sends it with every request, as a browser would.
jar=$tmp/jar
curl -fsS "http://$addr/api/v2/users" -H 'content-type: application/json' -d '{"username":"load","password":"load-test-password"}' >/dev/null
curl -fsS -o /dev/null -c "$jar" "http://$addr/passport/local" -d username=load -d password=load-test-password
cookie=$(awk -F'\t' 'NF >= 7 && ($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")
[ -n "$cookie" ] || { echo "FAIL: the login set no cookie"; exit 1; }
curl -fsS -H "Cookie: $cookie" "http://$addr/api/v2/me" | grep -q '"username":"load"' || { echo "FAIL: the session cookie does not log in"; exit 1; }

# The figures depend on what else the machine runs: say what it is, and
# the load average before each run (wrk and the server share the cores).
echo "$(date -u +%FT%TZ) $(nproc) cores, $(go version | cut -d' ' -f3), commit $(git rev-parse --short HEAD 2>/dev/null || echo -), DURATION=$DURATION"
fail=0
created=0
p99_64=
for conns in 8 64 512; do
	load=$(cut -d' ' -f1 /proc/loadavg)
	out=$(timeout 120 wrk -t2 -c"$conns" -d"$DURATION" --latency -H "Cookie: $cookie" -s bench/load.lua "http://$addr")
	rps=$(awk '/^rps /{print $2}' <<<"$out")
	p99=$(awk '/^p99_ms /{print $2}' <<<"$out")
	c201=$(awk '/^status 201 /{print $3}' <<<"$out"); c201=${c201:-0}
	c5xx=$(awk '/^status 5[0-9][0-9] /{s+=$3} END{print s+0}' <<<"$out")
	c401=$(awk '/^status 401 /{print $3}' <<<"$out"); c401=${c401:-0}
	errs=$(grep -E "Socket errors|Non-2xx" <<<"$out" | tr -s ' ' || true)
	p50=$(awk '/^p50_ms /{print $2}' <<<"$out")
	echo "conns=$conns rps=$rps p50=${p50}ms p99=${p99}ms 201=$c201 401=$c401 5xx=$c5xx load1=$load $errs"
	created=$((created + c201))
	[ "$c5xx" = 0 ] || fail=1
	[ "$c401" = 0 ] && [ "$c201" -gt 0 ] || { echo "FAIL: POSTs were not logged in (401=$c401, 201=$c201)"; fail=1; }
	[ "$conns" = 64 ] && p99_64=$p99
done

# Stop the server first: requests wrk abandoned may still be committing.
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
db=$tmp/run/topics.db
topics=$(sqlite3 "$db" 'SELECT count(*) FROM topics')
audited=$(sqlite3 "$db" "SELECT count(*) FROM topics WHERE id IN (SELECT topic_id FROM audit WHERE action = 'create')")
orphans=$(sqlite3 "$db" 'SELECT count(*) FROM audit WHERE topic_id NOT IN (SELECT id FROM topics)')
echo "201s=$created topics=$topics with_audit=$audited orphan_audit=$orphans p99@64=${p99_64}ms"
# A request wrk gave up on (timeout) may still have committed: there can be
# more topics than 201s, never fewer, and every topic has its audit row.
[ "$topics" -ge "$created" ] && [ "$audited" = "$topics" ] && [ "$orphans" = 0 ] || { echo "FAIL: rows and audit rows do not match the 201s"; fail=1; }
awk -v p="$p99_64" 'BEGIN{exit !(p <= 100)}' || { echo "FAIL: p99 at 64 connections above 100 ms"; fail=1; }
[ $fail = 0 ] && echo PASS
exit $fail
