#!/usr/bin/env bash
# KeePass import (issue 12): vaultlint against keepassxc-cli on the same
# generated KDBX 4 database, in one run.
#
#   scripts/kdbx-bench.sh          # ENTRIES=10000 ROUNDS=60000 RUNS=10 WARMUP=2
#
# 1. `cargo run --example make-kdbx-bench` writes a KDBX 4 database (AES-256,
#    AES-KDF ROUNDS rounds) of ENTRIES entries shaped like a real vault
#    (groups, user names, URLs, history, TOTP, custom fields, attachments,
#    recycle bin), and the same content with 1 KDF round (so that file shows
#    everything but the key derivation).
# 2. hyperfine times, alternating, with warm-up, as whole processes:
#      vaultlint audit DB --only insecure_url --password-file PW --format json -o /dev/null --exit-zero
#      keepassxc-cli export -q -f csv DB < PW > /dev/null
#    on both files. `--only insecure_url` is the cheapest check: the run is
#    the import plus a small report. Target: vaultlint no slower than
#    keepassxc-cli on the ROUNDS file.
# 3. The parse without the KDF, in process (make-kdbx-bench time): the
#    keepass crate's open (decrypt + XML parse) and vaultlint's whole import
#    (the same + the vault model), wall and CPU time. Target: under 0.5 s
#    for 10,000 entries. On a loaded machine read the CPU column; the wall
#    column is what a quiet machine gives.
#
# Needs: cargo, python3, hyperfine, keepassxc-cli (apt-get install hyperfine
# keepassxc). Inputs go to $KDBX_BENCH_DIR (default target/kdbx-bench; never
# commit them). Numbers are only comparable within one run: the script
# prints the machine, load average and tool versions with them.
set -euo pipefail
cd "$(dirname "$0")/.."

ENTRIES=${ENTRIES:-10000}
ROUNDS=${ROUNDS:-60000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
DIR=${KDBX_BENCH_DIR:-target/kdbx-bench}
export KDBX_BENCH_PASSWORD=${KDBX_BENCH_PASSWORD:-kdbx-bench}
# keepassxc-cli is a Qt program: no display needed.
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

for tool in keepassxc-cli hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install keepassxc hyperfine python3)" >&2; exit 1; }
done

echo "== building vaultlint and the generator (release)"
cargo build --release --quiet --bin vaultlint --example make-kdbx-bench
VAULTLINT=target/release/vaultlint
GEN=target/release/examples/make-kdbx-bench

mkdir -p "$DIR"
DB="$DIR/vault.kdbx"
DB1="$DIR/vault-kdf1.kdbx"
PW="$DIR/password"
printf '%s\n' "$KDBX_BENCH_PASSWORD" > "$PW"

echo "== machine"
echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu:       $(nproc) x $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "kernel:    $(uname -sr); memory $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "vaultlint: $("$VAULTLINT" --version) (commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "keepassxc: keepassxc-cli $(keepassxc-cli --version)"
echo "hyperfine: $(hyperfine --version)"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the runs"

echo "== generating $ENTRIES entries (AES-KDF $ROUNDS rounds, and 1 round) in $DIR"
"$GEN" write "$DB" "$ENTRIES" "$ROUNDS"
"$GEN" write "$DB1" "$ENTRIES" 1

echo "== both tools read every entry"
vl_rows=$("$VAULTLINT" audit "$DB" --only insecure_url --password-file "$PW" --format json --exit-zero 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin); s=r["sources"][0]; print(s["rows"], s["accounts"], s["deleted"])')
kx_rows=$(keepassxc-cli export -q -f csv "$DB" < "$PW" | python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(sys.stdin)) - 1)')
read -r vl_n vl_accounts vl_deleted <<< "$vl_rows"
echo "vaultlint: $vl_n entries ($vl_accounts accounts, $vl_deleted in the recycle bin); keepassxc-cli CSV: $kx_rows rows"
[ "$vl_n" = "$ENTRIES" ] && [ "$kx_rows" = "$ENTRIES" ] || { echo "the tools disagree on the number of entries" >&2; exit 1; }

echo "== whole processes (hyperfine, $WARMUP warm-up runs, $RUNS runs each)"
vl() { echo "$VAULTLINT audit $1 --only insecure_url --password-file $PW --format json -o /dev/null --exit-zero 2>/dev/null"; }
kx() { echo "keepassxc-cli export -q -f csv $1 < $PW > /dev/null"; }
hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic --export-json "$DIR/hyperfine.json" \
    -n "vaultlint, $ROUNDS rounds" "$(vl "$DB")" \
    -n "keepassxc-cli, $ROUNDS rounds" "$(kx "$DB")" \
    -n "vaultlint, 1 round" "$(vl "$DB1")" \
    -n "keepassxc-cli, 1 round" "$(kx "$DB1")"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) after hyperfine"

echo "== parse without the KDF, in process ($RUNS runs)"
"$GEN" time "$DB1" "$RUNS" 2>/dev/null
"$GEN" time "$DB" "$RUNS" 2>/dev/null
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) at the end"

echo "== summary"
python3 - "$DIR/hyperfine.json" "$ROUNDS" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
rounds = sys.argv[2]
def row(name):
    x = r[name]
    return x["median"], x["mean"], x["stddev"], x.get("user", float("nan")) + x.get("system", float("nan"))
print(f"{'command':32} {'median':>8} {'mean':>8} {'stddev':>8} {'CPU (user+sys, mean)':>21}")
for name in r:
    m, mean, sd, cpu = row(name)
    print(f"{name:32} {m:8.3f} {mean:8.3f} {sd:8.3f} {cpu:21.3f}")
for label in (f"{rounds} rounds", "1 round"):
    v, k = row(f"vaultlint, {label}"), row(f"keepassxc-cli, {label}")
    print(f"{label}: vaultlint / keepassxc-cli = {v[0] / k[0]:.2f} (median wall), {v[3] / k[3]:.2f} (CPU)")
v, k = row(f"vaultlint, {rounds} rounds"), row(f"keepassxc-cli, {rounds} rounds")
print("target (vaultlint no slower than keepassxc-cli on the median):", "met" if v[0] <= k[0] else "NOT met")
EOF
