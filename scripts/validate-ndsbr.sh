#!/usr/bin/env bash
# Runs `telematics features` on the two NDS-BR drivers (Curitiba 2019) with docs/mappings/ndsbr.json and checks
# that each gives 3 trips. Prints trips and km per file, each trip's phone minutes, and the driver's speeding share beside a
# recount from the file's LIMITE_VEL; exits 1 when a file does not give 3 trips.
# The data is not in the repository: when ../shared/data/ndsbr is absent it says so and exits 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${NDSBR_DIR:-$root/../../shared/data/ndsbr}"
[[ -d "$data" ]] || data="$root/../shared/data/ndsbr"
if [[ ! -f "$data/driver_A.csv" || ! -f "$data/driver_B.csv" ]]; then
  echo "validate-ndsbr: NDS-BR data not found (looked in \$NDSBR_DIR, ../../shared/data/ndsbr, ../shared/data/ndsbr); nothing to validate."
  exit 0
fi

dotnet build "$root/samples/Telematics.Cli" -nologo -v quiet >/dev/null
cli="$root/samples/Telematics.Cli/bin/Debug/net10.0/telematics"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for driver in driver_A driver_B; do
  # Skip-and-report: NDS-BR has a few fixes without a position; they are listed, not fatal (exit 1: partial failure).
  summary="$("$cli" features --input "$data/$driver.csv" --mapping "$root/docs/mappings/ndsbr.json" \
    --tz America/Sao_Paulo --output "$out/$driver.csv" --report-bad "$out/$driver.bad.csv")" || [[ $? == 1 ]]
  echo "$summary"
  trips="$(grep -c '^trip,' "$out/$driver.csv" || true)"
  km="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "distance_km") c = i } $1 == "driver" { print $c }' "$out/$driver.csv")"
  bad="$(($(wc -l < "$out/$driver.bad.csv") - 1))"
  # Phone handling per trip (rate × hours), to hold against the file's UMP_YN rows; a trip whose UMP_YN cells are all
  # NPI (not identified) has no phone use recorded and shows "not recorded", not 0.
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "phone_minutes_per_hour") p = i; if ($i == "driving_hours") h = i } }
    $1 == "trip" { n++; if ($p == "") printf "     trip %d: phone use not recorded\n", n; else printf "     trip %d: %.1f phone minutes\n", n, $p * $h }' "$out/$driver.csv"
  # The file's own phone use per TRIP, in its order: rows 1 s apart, so "Yes" rows / 60 are minutes; NPI rows are not recorded.
  awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "TRIP") t = i; if ($i == "UMP_YN") u = i }; next }
    { if (!($t in seen)) { seen[$t] = 1; order[++n] = $t } if ($u == "Yes") yes[$t]++; else if ($u == "No") no[$t]++ }
    END { printf "     file UMP_YN by TRIP:"; for (k = 1; k <= n; k++) { id = order[k]
      if (yes[id] + no[id] == 0) printf " %s not recorded;", id; else printf " %s %.1f min;", id, yes[id] / 60 } print "" }' "$data/$driver.csv"
  # Speeding against the file's own LIMITE_VEL: the feature counts moving time (3.6 km/h and up) with a known limit spent
  # more than 15 km/h over it (20 km/h over a limit above 85 km/h; FeatureExtractionOptions); any excess is shown beside
  # it, as a plain "over the limit" recount of the same rows is far higher. Rows are 1 s apart, so rows stand for time.
  share="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "speeding_share") c = i } $1 == "driver" { print $c }' "$out/$driver.csv")"
  awk -F';' -v feature="$share" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "SPD_KMH") s = i; if ($i == "LIMITE_VEL") l = i }; next }
    { speed = $s; limit = $l; gsub(",", ".", speed); gsub(",", ".", limit)
      if (speed == "" || limit !~ /^[0-9.]+$/ || speed + 0 < 3.6) next
      known++; if (speed + 0 > limit + (limit + 0 > 85 ? 20 : 15)) over++; if (speed + 0 > limit + 0) any++ }
    END { printf "     speeding share: features %s; file %.4f by the same rule, %.4f over the limit at all (%d moving rows with a limit)\n", (feature == "" ? "missing" : feature), (known ? over / known : 0), (known ? any / known : 0), known }' "$data/$driver.csv"
  if [[ "$trips" == 3 ]]; then
    echo "OK   $driver: $trips trips, $km km, $bad bad records skipped"
  else
    echo "FAIL $driver: $trips trips (expected 3), $km km, $bad bad records skipped"
    status=1
  fi
done
exit $status
