#!/usr/bin/env bash
# Records the public API of every src package in its PublicAPI.Unshipped.txt.
#
# PublicApiAnalyzers fails the build (RS0016/RS0017) when the public surface differs from the PublicAPI
# files. After a deliberate API change, run this script: it builds, adds every symbol reported as new,
# removes every symbol reported as gone, and builds again to show the result. Review the diff of the
# PublicAPI files like any other change. Duplicates (left by union merges of parallel branches) are removed.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || printf '#nullable enable\n' >"$unshipped"
  dotnet build "$project" --no-incremental -nologo -clp:NoSummary -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true

  # RS0016: a public symbol the files do not list yet.
  sed -n "s/.*RS0016: Symbol '\(.*\)' is not part of the declared public API.*\[\(.*\)\]$/\2|\1/p" "$log" |
    grep -F "/$dir/" | cut -d'|' -f2- | sort -u >>"$unshipped.new" || true
  # RS0017: a listed symbol that is no longer public.
  sed -n "s/.*RS0017: Symbol '\(.*\)' is part of the declared API, but is either not public or could not be found.*\[\(.*\)\]$/\2|\1/p" "$log" |
    grep -F "/$dir/" | cut -d'|' -f2- | sort -u >"$unshipped.gone" || true

  { head -n 1 "$unshipped"; tail -n +2 "$unshipped" | grep -vxF -f "$unshipped.gone" || true; cat "$unshipped.new" 2>/dev/null || true; } |
    awk 'NR == 1 { print; next } NF' | { read -r first; echo "$first"; sort -u; } >"$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
  rm -f "$unshipped.new" "$unshipped.gone"
  echo "$unshipped: $(($(wc -l <"$unshipped") - 1)) symbols"
done

dotnet build Telematics.sln -nologo -clp:NoSummary -v:q
