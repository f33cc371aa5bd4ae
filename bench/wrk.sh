#!/usr/bin/env bash
# HTTP throughput over loopback: the teggo app and a plain echo v4 app doing
# the same by hand (bench/cmd/httpbench), side by side, with wrk.
#
#   bench/wrk.sh            # 5 s per run, 32 connections, 2 threads
#   DURATION=10s CONNS=64 bench/wrk.sh
#
# Loopback only; every run is bounded by DURATION. Installs wrk from
# Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")"

DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
TEGGO=127.0.0.1:${TEGGO_PORT:-18081}
ECHO=127.0.0.1:${ECHO_PORT:-18082}

if ! command -v wrk >/dev/null 2>&1; then
	echo "installing wrk (apt-get)..." >&2
	if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
	$SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq wrk >/dev/null
fi

bin=$(mktemp -d)/httpbench
go build -o "$bin" ./cmd/httpbench
"$bin" -teggo "$TEGGO" -echo "$ECHO" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$(dirname "$bin")"' EXIT

for addr in "$TEGGO" "$ECHO"; do
	for _ in $(seq 50); do
		curl -fsS "http://$addr/hello" >/dev/null 2>&1 && break
		sleep 0.1
	done
done

lua=$(mktemp)
cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Hello teggo","body":"a body of text","tags":["go","di"],"priority":3,"draft":false,"author":"fengmk2"}'
LUA

rps() { # url [script]
	local args=(-t"$THREADS" -c"$CONNS" -d"$DURATION")
	[ -n "${2:-}" ] && args+=(-s "$2")
	wrk "${args[@]}" "$1" | awk '/Requests\/sec/ {print $2}'
}

printf '%-22s %12s %12s %8s\n' "route" "echo req/s" "teggo req/s" "ratio"
for c in "hello /hello" "scope /users/42" "aop /aop/hello" "post /topics"; do
	set -- $c
	script=
	[ "$1" = post ] && script=$lua
	e=$(rps "http://$ECHO$2" "$script")
	t=$(rps "http://$TEGGO$2" "$script")
	printf '%-22s %12.0f %12.0f %7.0f%%\n' "$1 $2" "$e" "$t" "$(echo "100*$t/$e" | bc -l)"
done
rm -f "$lua"
