#!/usr/bin/env bash
# Runs Discovery's Vivaldi and Serf's on the same matrix, with the same partners in the same order, and prints both
# JSON lines. Usage: bench/peers/compare-vivaldi.sh MATRIX UNIT [more discovery-bench vivaldi options]
set -euo pipefail
matrix=$1; unit=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
serf=$(bash "$root/bench/peers/build.sh")
schedule=$(mktemp /tmp/vivaldi-schedule.XXXXXX)
trap 'rm -f "$schedule"' EXIT
dotnet build -c Release "$root/bench/Discovery.Bench" >/dev/null || { echo "compare-vivaldi: build failed" >&2; exit 1; }
dotnet "$root/bench/Discovery.Bench/bin/Release/net10.0/discovery-bench.dll" vivaldi --matrix "$matrix" --unit "$unit" --schedule-out "$schedule" "$@"
dims=8
for ((i = 1; i <= $#; i++)); do [ "${!i}" = "--dims" ] && { j=$((i + 1)); dims=${!j}; }; done
"$serf" -matrix "$matrix" -unit "$unit" -schedule "$schedule" -dims "$dims"
