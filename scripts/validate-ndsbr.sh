#!/usr/bin/env bash
# Runs `telematics features` on the two NDS-BR drivers (Curitiba 2019) with docs/mappings/ndsbr.json and checks
# that each gives 3 trips, one per value of the file's TRIP column (the mapping's trip_id), in order and each within its
# TRIP's time span. Prints trips and km per file, each trip against its TRIP, each trip's phone minutes, and the driver's
# speeding share beside a recount from the file's LIMITE_VEL; exits 1 when a file does not give 3 trips matching TRIP.
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
  # Trips against the file's TRIP: as many, in order, each inside its TRIP's first to last row. Times are Unix seconds
  # (days from the civil date, no mktime in mawk): the file's local DAY_CORRIGIDO + PR at UTC-3 (Brazil has had no daylight
  # time since February 2019), the output's start_utc and end_utc. The offsets to the TRIP's first and last moving rows
  # (3.6 km/h and up, the segmenter's 1 m/s) are shown: a trip starts at the stationary row before its first motion and
  # ends at the first row of its last stop.
  match="$(awk -F';' -v out="$out/$driver.csv" '
    function days(y, m, d,  era, yoe, doy) { y -= m <= 2; era = int(y / 400); yoe = y - era * 400
      doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1; return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468 }
    function iso(t) { return days(substr(t, 1, 4) + 0, substr(t, 6, 2) + 0, substr(t, 9, 2) + 0) * 86400 + substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + substr(t, 18, 2) }
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "TRIP") c = i; if ($i == "DAY_CORRIGIDO") d = i; if ($i == "PR") p = i; if ($i == "SPD_KMH") v = i }; next }
    $c != "" && $d != "" && $p != "" {
      split($d, dmy, "/"); split($p, hms, ":"); t = days(dmy[3] + 0, dmy[2] + 0, dmy[1] + 0) * 86400 + hms[1] * 3600 + hms[2] * 60 + hms[3] + 10800
      id = $c; if (!(id in first)) { first[id] = t; order[++n] = id } last[id] = t
      speed = $v; gsub(",", ".", speed); if (speed != "" && speed + 0 >= 3.6) { if (!(id in move)) move[id] = t; lastmove[id] = t } }
    END {
      while ((getline line < out) > 0) { k = split(line, f, ",")
        if (f[1] == "kind") { for (i = 1; i <= k; i++) { if (f[i] == "start_utc") s = i; if (f[i] == "end_utc") e = i } }
        else if (f[1] == "trip") { start[++m] = iso(f[s]); end[m] = iso(f[e]) } }
      ok = m == n
      for (j = 1; j <= (m > n ? m : n); j++) {
        if (j > n) { printf "     trip %d: no TRIP left for it\n", j; continue }
        id = order[j]
        if (j > m) { printf "     TRIP %s: no trip\n", id; continue }
        inside = first[id] <= start[j] && end[j] <= last[id]; ok = ok && inside
        printf "     trip %d = TRIP %s%s: starts %d s after its first row, %d s before its first moving row; ends %d s before its last row, %d s after its last moving row\n",
          j, id, inside ? "" : " (OUTSIDE it)", start[j] - first[id], move[id] - start[j], last[id] - end[j], end[j] - lastmove[id] }
      printf "%s %d trips for %d TRIP values\n", ok ? "match" : "mismatch", m, n }' "$data/$driver.csv")"
  echo "$match" | sed '$d'
  tripmatch="$(echo "$match" | tail -n 1)"
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
  if [[ "$trips" == 3 && "$tripmatch" == match* ]]; then
    echo "OK   $driver: $trips trips, $km km, $bad bad records skipped; trips: $tripmatch"
  else
    echo "FAIL $driver: $trips trips (expected 3), $km km, $bad bad records skipped; trips: $tripmatch"
    status=1
  fi
done
exit $status
