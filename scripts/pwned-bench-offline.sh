#!/usr/bin/env bash
# Offline breach lookups, vaultlint vs KeePassXC, on the same inputs:
#   vaultlint audit VAULT.csv --only pwned --pwned-dataset FILE
#   keepassxc-cli analyze --hibp FILE DB.kdbx
# FILE is a generated Pwned Passwords SHA-1 file ordered by hash (20 million
# lines, ~0.9 GB), the vault holds 5,000 passwords of which 500 are in FILE.
# Both runs are timed as whole processes with a warm page cache; the best
# and the median of RUNS runs are printed, and both tools must report the
# same number of leaked passwords.
#
# Needs: cargo, python3, keepassxc-cli (apt-get install keepassxc).
# Inputs go to $PWNED_BENCH_DIR (default target/pwned-bench; never commit them).
# Knobs: LINES, PASSWORDS, PRESENT, RUNS; COLD=1 drops FILE from the page
# cache (posix_fadvise DONTNEED) before every run of either tool, to time
# lookups that wait for the disk (or, in a VM, the host) as well.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-20000000}
PASSWORDS=${PASSWORDS:-5000}
PRESENT=${PRESENT:-500}
RUNS=${RUNS:-3}
COLD=${COLD:-0}
DIR=${PWNED_BENCH_DIR:-target/pwned-bench}
DATA="$DIR/pwned-sha1-ordered-by-hash.txt"

command -v keepassxc-cli >/dev/null || { echo "keepassxc-cli not found: apt-get install keepassxc" >&2; exit 1; }

echo "== building vaultlint (release)"
cargo build --release --quiet
VAULTLINT=target/release/vaultlint

mkdir -p "$DIR"
if [ ! -f "$DATA" ] || [ "$(cat "$DIR/params" 2>/dev/null)" != "$LINES $PASSWORDS $PRESENT" ]; then
    echo "== generating $LINES lines and $PASSWORDS passwords ($PRESENT present) in $DIR"
    rm -f "$DIR/params"
    python3 scripts/pwned-bench-data.py --lines "$LINES" --passwords "$PASSWORDS" --present "$PRESENT" --out "$DIR"
    echo "$LINES $PASSWORDS $PRESENT" > "$DIR/params"
fi
ls -l "$DATA"

echo "== building the KeePassXC database from the same passwords (keepassxc-cli import)"
rm -f "$DIR/vault.kdbx" "$DIR/vault.keyx" "$DIR/empty-hibp.txt"
# Lowest key-derivation time keepassxc-cli accepts, so opening the database
# weighs as little as possible in its time.
keepassxc-cli import -q --set-key-file "$DIR/vault.keyx" --decryption-time 100 "$DIR/vault.xml" "$DIR/vault.kdbx" </dev/null
: > "$DIR/empty-hibp.txt"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
best() { sort -g | head -1; }

# Drops FILE from the page cache when COLD=1 (and says how much is left).
evict() {
    [ "$COLD" = 1 ] || return 0
    python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$DATA"
    if command -v fincore >/dev/null; then fincore -n -o PAGES "$DATA" | sed 's/^ */  pages cached after dropping: /'; fi
}

if [ "$COLD" = 1 ]; then
    echo "== COLD=1: the file is dropped from the page cache before every run"
else
    echo "== warming the page cache"
    cat "$DATA" > /dev/null
fi
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

vl_times=()
kx_times=()
for run in $(seq "$RUNS"); do
    evict
    t0=$(now)
    set +e
    "$VAULTLINT" audit "$DIR/vault.csv" --only pwned --pwned-dataset "$DATA" --format json -o "$DIR/vaultlint.json"
    code=$?
    set -e
    t1=$(now)
    [ "$code" = 1 ] || { echo "vaultlint exited $code (expected 1: findings)" >&2; exit 1; }
    vl_times+=("$(echo "$t1 - $t0" | bc -l)")

    evict
    t0=$(now)
    keepassxc-cli analyze -q --no-password -k "$DIR/vault.keyx" --hibp "$DATA" "$DIR/vault.kdbx" > "$DIR/keepassxc.txt"
    t1=$(now)
    kx_times+=("$(echo "$t1 - $t0" | bc -l)")
    echo "run $run: vaultlint ${vl_times[-1]} s, keepassxc-cli ${kx_times[-1]} s"
done

t0=$(now)
keepassxc-cli analyze -q --no-password -k "$DIR/vault.keyx" --hibp "$DIR/empty-hibp.txt" "$DIR/vault.kdbx" > /dev/null
t1=$(now)
kx_open=$(echo "$t1 - $t0" | bc -l)

# vaultlint's fixed cost: the same audit without lookups (reading the CSV,
# the report), and the lookups' CPU and page faults (/usr/bin/time), so a
# ratio under target says where the time went.
vl_off=()
for run in $(seq "$RUNS"); do
    t0=$(now)
    "$VAULTLINT" audit "$DIR/vault.csv" --only pwned --pwned off --format json -o "$DIR/vaultlint-off.json" --exit-zero 2>/dev/null
    t1=$(now)
    vl_off+=("$(echo "$t1 - $t0" | bc -l)")
done
if [ -x /usr/bin/time ]; then
    vl_cpu=$(/usr/bin/time -f '%U s user, %S s system, %R minor and %F major page faults' \
        "$VAULTLINT" audit "$DIR/vault.csv" --only pwned --pwned-dataset "$DATA" --format json -o /dev/null --exit-zero 2>&1 >/dev/null | tail -1)
else
    vl_cpu="(no /usr/bin/time)"
fi
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

vl_found=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(a['pwned']['status']=='exposed' for a in r['accounts']))" "$DIR/vaultlint.json")
kx_found=$(grep -c "has been leaked" "$DIR/keepassxc.txt" || true)
echo "leaked found: vaultlint $vl_found, keepassxc-cli $kx_found (expected $PRESENT)"
[ "$vl_found" = "$PRESENT" ] && [ "$kx_found" = "$PRESENT" ] || { echo "the tools disagree" >&2; exit 1; }

vl_best=$(printf '%s\n' "${vl_times[@]}" | best)
vl_med=$(printf '%s\n' "${vl_times[@]}" | median)
kx_best=$(printf '%s\n' "${kx_times[@]}" | best)
kx_med=$(printf '%s\n' "${kx_times[@]}" | median)
printf 'vaultlint     best %.3f s  median %.3f s\n' "$vl_best" "$vl_med"
printf 'vaultlint --pwned off (fixed cost)  best %.3f s  median %.3f s\n' "$(printf '%s\n' "${vl_off[@]}" | best)" "$(printf '%s\n' "${vl_off[@]}" | median)"
echo "vaultlint one run with the dataset: $vl_cpu"
printf 'keepassxc-cli best %.3f s  median %.3f s  (of which ~%.3f s opening the database)\n' "$kx_best" "$kx_med" "$kx_open"
printf 'speed-up (median): %.0fx  (target: 100x)\n' "$(echo "$kx_med / $vl_med" | bc -l)"
# The issue's measure: each pair's ratio (a run of each tool, back to back),
# and the median of those ratios.
pairs=()
for i in "${!vl_times[@]}"; do
    pairs+=("$(echo "${kx_times[$i]} / ${vl_times[$i]}" | bc -l)")
done
printf 'speed-up per pair: %s  median pair %.0fx\n' \
    "$(printf '%.0fx ' "${pairs[@]}")" "$(printf '%s\n' "${pairs[@]}" | median)"
