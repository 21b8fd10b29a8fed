#!/usr/bin/env bash
# Near reuse and strength benchmark (BENCHMARKS.md, "Near reuse and strength").
#
# Builds vaultlint and the vault generator (release), generates a realistic
# 20,000-entry export (seed 42) and 100,000 random passwords (seed 7), sets up
# rapidfuzz in a venv under target/bench, then runs scripts/compare_rapidfuzz.py:
# vaultlint --only similar vs rapidfuzz.process.cdist on the same passwords,
# pair recall, planted-tweak recall, precision on random passwords, and
# vaultlint --only weak. Override sizes with N=... RANDOM_N=... SEED=...
# MIX=shared-words runs the dense mix instead (most passwords built from a
# few hundred shared words, many near pairs; see benches/support/gen.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-20000}"
SEED="${SEED:-42}"
RANDOM_N="${RANDOM_N:-100000}"
MIX="${MIX:-realistic}"
OUT=target/bench
case "$MIX" in
    realistic) mix_flag=(); name=vault; truth=truth ;;
    shared-words) mix_flag=(--shared-words); name=shared-words; truth=shared-words-truth ;;
    *) echo "MIX must be realistic or shared-words" >&2; exit 2 ;;
esac
mkdir -p "$OUT"

cargo build --release --locked --bin vaultlint --example vaultlint-gen
gen=target/release/examples/vaultlint-gen
"$gen" --entries "$N" --seed "$SEED" "${mix_flag[@]}" --out "$OUT/$name-$N.csv" --truth "$OUT/$truth-$N.csv"
"$gen" --entries "$RANDOM_N" --seed 7 --random-only --out "$OUT/random-$RANDOM_N.csv"

if [ ! -x "$OUT/venv/bin/python" ]; then
    python3 -m venv "$OUT/venv"
    "$OUT/venv/bin/pip" install --quiet rapidfuzz numpy
fi

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rapidfuzz $("$OUT/venv/bin/python" -c 'import rapidfuzz; print(rapidfuzz.__version__)')"
"$OUT/venv/bin/python" scripts/compare_rapidfuzz.py \
    --vaultlint target/release/vaultlint \
    --csv "$OUT/$name-$N.csv" --truth "$OUT/$truth-$N.csv" \
    --random-csv "$OUT/random-$RANDOM_N.csv"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
