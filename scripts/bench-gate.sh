#!/usr/bin/env bash
# The benchmark regression gate: measures every figure of benchmarks/gates.json in one process, each as interleaved
# repetitions against its baseline (ratios, differences) or as exact allocations, re-measures a figure that misses its
# bound once, prints a line per gate and a summary, and exits 1 naming every benchmark that fails (0 when all pass).
#
#   scripts/bench-gate.sh [--history] [--only id,id] [--repetitions N] [--no-wait]
#
# Writes .bench-gate/gate.json and .bench-gate/gate.md; with --history also appends the run to the committed
# benchmarks/results/history.csv and redraws benchmarks/results/history.svg. About a minute on the 2-core dev machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

args=(--gates benchmarks/gates.json --out .bench-gate --repetitions 21)
while [ $# -gt 0 ]; do
  case "$1" in
    --history) args+=(--history benchmarks/results/history.csv --commit "$(git rev-parse --short HEAD 2>/dev/null || echo local)"); shift ;;
    --only|--repetitions) args+=("$1" "$2"); shift 2 ;;
    --no-wait) args+=("$1"); shift ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

echo "== building the benchmarks (Release)"
dotnet build benchmarks/Telematics.Benchmarks -c Release -nologo -clp:NoSummary -v:q
# The CPU goes beside the load: a ratio moves with the core (docs/benchmarks.md), so a miss on a new machine shows as one.
cpu=$(awk -F': *' '/^model name/ && !m {m=$2} /^cpu family/ && !f {f=$2} /^model[[:space:]]*:/ && !o {o=$2}
  END {if (m) printf "%s, family %s model %s", m, f, o; else printf "unknown"}' /proc/cpuinfo 2>/dev/null || echo unknown)
echo "== benchmark gate (load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown); cpu: $cpu, $(nproc) cores)"
# Without dynamic PGO the code each process measures is the same from run to run. With it, the feature-extraction ratio
# moved between processes on one quiet machine (9.9-14.2x over 11 runs, 5 over the bound at first measure and one CI run
# failing twice) where without it 9 runs gave 10.0-12.3x, none over: the gate is for regressions in our code, not in
# what the JIT profiled that time.
export DOTNET_TieredPGO=0
exec dotnet benchmarks/Telematics.Benchmarks/bin/Release/net10.0/Telematics.Benchmarks.dll gate "${args[@]}"
