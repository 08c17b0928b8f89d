#!/usr/bin/env bash
# Rebuilds the model shipped inside Telematics.Scoring (src/Telematics.Scoring/Shipped/telematics-frequency/):
# the window-invariant, monotone Poisson GLM on telematics@2 rating factors (glm-telematics) trained by
# `telematics train` on a fixed synthetic population observed over 7–90 days with exposures of 0.5–1 year.
# It is written only if, on a fresh holdout population (another seed, 20,000 drivers observed 30 days), it beats the
# constant rate and the classical GLM, reaches 85 % of the oracle's normalised Gini and predicts the observed claims
# within ±5 % (--require-holdout-checks); otherwise the script fails and the committed model stays. The report also
# repeats the cross-validation with three seeds and measures window stability and credibility on 2,000 more drivers.
# Deterministic: the populations, folds and trainer seeds come from the seeds and training runs on one thread, so a
# rebuild gives the same model.onnx bytes (check with `git diff --stat`). About 35 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

# A fixed, repository-relative (git-ignored) folder: the command recorded in the manifest is then the same on every rebuild.
out=artifacts/shipped-model
rm -rf "$out"
# The tool runs from a copy, so that building the repository meanwhile cannot change it under the run.
tool=$(mktemp -d)
trap 'rm -rf "$out" "$tool"' EXIT

dotnet build samples/Telematics.Cli -c Release -nologo -v quiet
cp -r samples/Telematics.Cli/bin/Release/net10.0/. "$tool/"
dotnet "$tool/telematics.dll" train \
  --drivers 20000 --days 90 --min-days 7 --min-exposure-years 0.5 --seed 20261128 --folds 5 --cv-seeds 3 --threads 1 \
  --holdout-drivers 20000 --holdout-days 30 --holdout-seed 20261205 --require-holdout-checks --stability-drivers 2000 \
  --name telematics-frequency --version 3 \
  --output "$out/models" --report "$out/report.md"

target=src/Telematics.Scoring/Shipped/telematics-frequency
docs=docs/training
package="$out/models/telematics-frequency/3"
shipped=("$package/model.onnx" "$package/manifest.json" "$out/report.md" "$out/report.lorenz.png" "$out/report.holdout.png" "$out/report.credibility.png")
# docs/training shows the same report and charts (docs/training/README.md explains them), and the pricing-plan fragment
# (classical relativities and cell means of this model) that docs/pricing/ubi-relativity-2027.json carries.
documented=("$out/report.md" "$out/report.lorenz.png" "$out/report.holdout.png" "$out/report.credibility.png" "$out/report.plan.json")

# Every artefact before anything is copied: train succeeds without a chart when ScottPlot cannot render here (no native
# Skia; the report then carries a note), and a cp failing halfway left the new model beside the old report.
for file in "${shipped[@]}" "${documented[@]}"; do
  if [ ! -s "$file" ]; then
    echo "build-shipped-model.sh: $file is missing or empty; nothing was replaced, the committed model and report stay." >&2
    exit 1
  fi
done

# Staged in folders beside the targets (same file systems, outside the folders the build embeds), then moved in by
# renames only once both are complete: a failed or interrupted copy leaves the committed set as it was. The renames
# themselves are one per file, so only an interruption among them (a few milliseconds) could mix old and new files.
mkdir -p "$target" "$docs"
stage_target='' stage_docs=''
trap 'rm -rf "$out" "$tool" ${stage_target:+"$stage_target"} ${stage_docs:+"$stage_docs"}' EXIT
stage_target=$(mktemp -d "$(dirname "$target")/.telematics-frequency.staging.XXXXXX")
stage_docs=$(mktemp -d "$(dirname "$docs")/.training.staging.XXXXXX")
cp "${shipped[@]}" "$stage_target/"
cp "${documented[@]}" "$stage_docs/"
for file in "$stage_target"/*; do mv -f "$file" "$target/"; done
for file in "$stage_docs"/*; do mv -f "$file" "$docs/"; done
echo "shipped model written to $target (report also in $docs)"
sha256sum "$target/model.onnx"
