#!/usr/bin/env bash
# The dashboard's render figures on the ./run.sh demo book (100 drivers × 30 days) rather than the tests' small one:
# runs the overview and driver-details browser tests against a host ./run.sh started, and prints their figures.
#
#   TELEMATICS_PORT=5090 ./run.sh &      # in another terminal, until it prints "Press Ctrl-C"
#   scripts/perf/dashboard-on-demo.sh [URL=http://127.0.0.1:5090]
#
# The upload test adds one driver to the demo book. Chromium as for ./test.sh (scripts/chromium.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
export TELEMATICS_DASHBOARD_URL=${1:-http://127.0.0.1:5090}
TELEMATICS_CHROMIUM=$(scripts/chromium.sh path)
export TELEMATICS_CHROMIUM
dotnet build tests/Telematics.Dashboard.Tests -c Release -nologo -v:q >/dev/null
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet test tests/Telematics.Dashboard.Tests -c Release --no-build --logger "console;verbosity=detailed" \
  --filter "FullyQualifiedName~An_admin_signs_in|FullyQualifiedName~Driver_details_show|FullyQualifiedName~An_upload_through" \
  | grep -E "rendered|downloaded|changed|Passed |Failed "
