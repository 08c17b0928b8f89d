#!/usr/bin/env bash
# The shipped model on a fresh holdout, through the CLI as a user would run it: `telematics synth --features-only` writes
# a population the model never saw (default: the training report's holdout, 20,000 drivers × 30 days, seed 20261205),
# `telematics score` scores it with the packaged ONNX model, and `telematics evaluate --check` measures the scores
# against the claims: deviance below the constant rate (the training population's claim rate), at least 85 % of the
# oracle's normalised Gini, predicted claims within ±5 %. Exits 1 when a check fails. The constant rate is the model's
# own: its manifest's metrics.training_claim_rate, or --constant-rate for a package written before manifests carried it.
#   scripts/check-holdout.sh [--drivers N] [--days D] [--seed S] [--model DIR] [--constant-rate R]
set -euo pipefail
cd "$(dirname "$0")/.."

drivers=20000 days=30 seed=20261205
model=src/Telematics.Scoring/Shipped/telematics-frequency
rate=
while [ $# -gt 0 ]; do
  case "$1" in
    --drivers) drivers=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --constant-rate) rate=$2; shift 2 ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

if [ -z "$rate" ]; then
  # The rate of the model being checked, not a figure copied here that a retrained model would leave stale.
  if [ ! -f "$model/manifest.json" ]; then
    echo "check-holdout.sh: no manifest.json in $model; give a model package folder with --model." >&2
    exit 2
  fi
  rate=$(tr -d '\r' < "$model/manifest.json" | sed -n 's/^ *"training_claim_rate": *\([0-9.eE+-]*\),\{0,1\}$/\1/p')
  if [ -z "$rate" ]; then
    echo "check-holdout.sh: $model/manifest.json has no metrics.training_claim_rate; give the model's training claim rate (claims / exposure years of its training drivers, in the report beside it) with --constant-rate." >&2
    exit 2
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The tool runs from a copy, so that building the repository meanwhile cannot change it under the run.
dotnet build samples/Telematics.Cli -c Release -nologo -v quiet -o "$work/tool" > /dev/null
telematics() { dotnet "$work/tool/telematics.dll" "$@"; }

telematics synth --drivers "$drivers" --days "$days" --seed "$seed" --features-only --output "$work/holdout"
telematics score --features "$work/holdout/features.csv" --model "$model" --output "$work/holdout/scores.csv"
telematics evaluate --scores "$work/holdout/scores.csv" --labels "$work/holdout/drivers.csv" --constant-rate "$rate" --check
