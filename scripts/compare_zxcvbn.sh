#!/usr/bin/env bash
# Strength benchmark against a peer (BENCHMARKS.md, "Near reuse and strength").
#
# Builds vaultlint and the vault generator (release), generates the realistic
# 20,000-entry export (seed 42), installs Python zxcvbn in a venv under
# target/bench, then runs scripts/compare_zxcvbn.py: vaultlint --only weak
# (whole process) against Python zxcvbn on the same passwords, one process
# per core. Override with N=... SEED=...
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-20000}"
SEED="${SEED:-42}"
OUT=target/bench
mkdir -p "$OUT"

cargo build --release --locked --bin vaultlint --example vaultlint-gen
target/release/examples/vaultlint-gen --entries "$N" --seed "$SEED" --out "$OUT/vault-$N.csv"

if [ ! -x "$OUT/venv-zxcvbn/bin/python" ]; then
    python3 -m venv "$OUT/venv-zxcvbn"
    "$OUT/venv-zxcvbn/bin/pip" install --quiet zxcvbn==4.5.0
fi

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/venv-zxcvbn/bin/python" scripts/compare_zxcvbn.py \
    --vaultlint target/release/vaultlint --csv "$OUT/vault-$N.csv"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
