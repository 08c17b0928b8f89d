#!/usr/bin/env bash
# Rebuilds the model shipped inside Telematics.Scoring (src/Telematics.Scoring/Shipped/telematics-frequency/):
# a telematics@1-only Poisson tree model trained by `telematics train` on a fixed synthetic population.
# Deterministic: the population, folds and trainer seeds come from --seed and training runs on one thread, so a
# rebuild gives the same model.onnx bytes (check with `git diff --stat`). Takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

# A fixed, repository-relative (git-ignored) folder: the command recorded in the manifest is then the same on every rebuild.
out=artifacts/shipped-model
rm -rf "$out"
trap 'rm -rf "$out"' EXIT

dotnet build samples/Telematics.Cli -c Release -nologo -v quiet
dotnet samples/Telematics.Cli/bin/Release/net10.0/telematics.dll train \
  --drivers 3000 --days 7 --seed 20261128 --folds 5 --threads 1 \
  --name telematics-frequency --version 1 \
  --output "$out/models" --report "$out/report.md"

target=src/Telematics.Scoring/Shipped/telematics-frequency
mkdir -p "$target"
cp "$out/models/telematics-frequency/1/model.onnx" "$out/models/telematics-frequency/1/manifest.json" "$target/"
cp "$out/report.md" "$out/report.lorenz.png" "$target/"
echo "shipped model written to $target"
sha256sum "$target/model.onnx"
