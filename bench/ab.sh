#!/usr/bin/env bash
# In-process HTTP benchmarks, each in its own process on one CPU, echo and
# teggo alternating, ROUNDS times; prints the medians and teggo/echo
# (docs/benchmarks.md, HTTP). The steadiest of the three
# measures on a small shared machine.
#
#   bench/ab.sh             # 8 rounds
#   ROUNDS=4 bench/ab.sh
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-8}
bin=$(mktemp -d)/bench.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" .
out=$(mktemp)
for _ in $(seq "$ROUNDS"); do
	for b in 'scope/echo$' 'scope/teggo$' '^post$/echo$' 'post$/teggo$' 'post-native/teggo$' 'post-lax/echo$'; do
		"$bin" -test.run=NONE -test.cpu=1 -test.bench="^BenchmarkHTTP\$/$b" | awk '/^Benchmark/ {print $1, $3}'
	done
done >"$out"
median() { grep -F "$1 " "$out" | awk '{print $2}' | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
se=$(median BenchmarkHTTP/scope/echo)
st=$(median BenchmarkHTTP/scope/teggo)
pe=$(median BenchmarkHTTP/post/echo)
pt=$(median BenchmarkHTTP/post/teggo)
pn=$(median BenchmarkHTTP/post-native/teggo)
pl=$(median BenchmarkHTTP/post-lax/echo)
echo "medians of $ROUNDS, ns/op: scope echo $se teggo $st; post echo $pe teggo $pt native $pn; echo's lax post $pl"
awk -v se="$se" -v st="$st" -v pe="$pe" -v pt="$pt" -v pn="$pn" -v pl="$pl" 'BEGIN {
	printf "scope: teggo/echo %.0f%% (budget 85%%)\n", 100 * se / st
	printf "post:  teggo/echo %.0f%% gojsonschema, %.0f%% native (budget 70%%); against the lax handler %.0f%%\n", 100 * pe / pt, 100 * pe / pn, 100 * pl / pt
}'
rm -f "$out"
