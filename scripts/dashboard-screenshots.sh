#!/usr/bin/env bash
# Refreshes the dashboard screenshots in docs/dashboard/ by running the browser tests with TELEMATICS_SCREENSHOTS set
# (light and dark overview, a driver's risk factors, policy and trip, a driver's own view at phone width, models).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/dashboard
export TELEMATICS_SCREENSHOTS=$PWD/docs/dashboard
exec ./test.sh --filter "FullyQualifiedName~Telematics.Dashboard.Tests"
