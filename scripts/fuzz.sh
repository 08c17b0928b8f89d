#!/usr/bin/env bash
# Fuzzes the SDK's parsers with AFL++ through SharpFuzz.
#
#   scripts/fuzz.sh --list                 the targets
#   scripts/fuzz.sh TARGET [SECONDS]       fuzz one target (default 600 s)
#   scripts/fuzz.sh all [SECONDS]          every target in turn, SECONDS each
#
# Installs what is missing: Debian's afl++ (needs root) and the SharpFuzz.CommandLine tool (into .fuzz/tools).
# Publishes fuzz/Telematics.Fuzz into .fuzz/bin, instruments Telematics.Features.dll and Telematics.Scoring.dll,
# starts from fuzz/corpus/TARGET plus the generated seeds, and writes AFL's output to .fuzz/out/TARGET.
# Each crash found is copied to fuzz/regressions/TARGET/ (which tests/Telematics.Fuzz.Tests replays), and the
# script exits 1. A summary line per target gives executions, paths, crashes and hangs.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

sharpfuzz_version=2.3.0
work=.fuzz

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage

ensure_tools() {
  if ! command -v afl-fuzz >/dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "afl-fuzz is missing: install Debian's afl++ (apt-get install -y afl++)" >&2; exit 3; }
    echo "== installing afl++" >&2
    apt-get install -y -qq afl++ >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq afl++ >/dev/null; }
  fi
  if [ ! -x "$work/tools/sharpfuzz" ]; then
    echo "== installing SharpFuzz.CommandLine $sharpfuzz_version" >&2
    dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$work/tools" >/dev/null
  fi
}

build() {
  echo "== publishing and instrumenting the harness" >&2
  rm -rf "$work/bin"
  dotnet publish fuzz/Telematics.Fuzz -c Release -o "$work/bin" -nologo -v:q >/dev/null
  # Seeds first: instrumented code runs only under afl-fuzz (it writes to AFL's shared coverage map).
  rm -rf "$work/seeds"
  cp -r fuzz/corpus "$work/seeds"
  dotnet "$work/bin/Telematics.Fuzz.dll" --seeds "$work/seeds"
  dotnet "$work/bin/Telematics.Fuzz.dll" --list | cut -d' ' -f1 > "$work/targets"
  for dll in Telematics.Features.dll Telematics.Scoring.dll; do
    "$work/tools/sharpfuzz" "$work/bin/$dll" >/dev/null
  done
}

fuzz_one() {
  local target=$1 seconds=$2 out="$work/out/$1"
  rm -rf "$out"
  mkdir -p "$out"
  echo "== fuzzing $target for $seconds s" >&2
  # AFL_SKIP_BIN_CHECK: the program is dotnet, not an AFL-compiled binary; the instrumentation is SharpFuzz's.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -i "$work/seeds/$target" -o "$out" -V "$seconds" -t 5000 -m none -- \
    dotnet "$work/bin/Telematics.Fuzz.dll" "$target" >"$out/afl.log" 2>&1 || {
      echo "afl-fuzz failed for $target; the end of its log:" >&2; tail -n 20 "$out/afl.log" >&2; return 1; }

  local stats="$out/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  local crashes; crashes=$(stat saved_crashes)
  echo "$target: $(stat execs_done) executions in $(stat run_time) s, $(stat corpus_count) paths, ${crashes:-0} crashes, $(stat saved_hangs) hangs"
  if [ "${crashes:-0}" -gt 0 ]; then
    mkdir -p "fuzz/regressions/$target"
    for crash in "$out"/default/crashes/id:*; do
      cp "$crash" "fuzz/regressions/$target/crash-$(sha256sum "$crash" | cut -c1-16)"
    done
    echo "  copied to fuzz/regressions/$target/: fix the cause, then 'dotnet test tests/Telematics.Fuzz.Tests' replays them" >&2
    return 1
  fi
}

case "$1" in
  --list|-l)
    dotnet build fuzz/Telematics.Fuzz -c Release -nologo -v:q >/dev/null
    dotnet fuzz/Telematics.Fuzz/bin/Release/net10.0/Telematics.Fuzz.dll --list ;;
  all)
    seconds=${2:-600}
    ensure_tools; build
    status=0
    for target in $(cat "$work/targets"); do
      fuzz_one "$target" "$seconds" || status=1
    done
    exit "$status" ;;
  -*) usage ;;
  *)
    ensure_tools; build
    [ -d "$work/seeds/$1" ] || { echo "unknown target '$1' (scripts/fuzz.sh --list)" >&2; exit 2; }
    fuzz_one "$1" "${2:-600}" ;;
esac
