#!/usr/bin/env bash
# Online breach lookups against the project's own mirror with added latency:
#   vaultlint pwned serve --dataset FILE --padding --latency 25ms   (the server)
#   vaultlint audit VAULT.csv --only pwned --pwned-url http://127.0.0.1:PORT
# with 2,000 passwords. The ideal time is the latency times the number of
# request rounds, ceil(distinct prefixes / concurrency); the target is the
# whole audit process within 1.5x of it.
#
# Needs: cargo, python3. Reuses (or generates) the dataset of
# scripts/pwned-bench-offline.sh in $PWNED_BENCH_DIR (default target/pwned-bench).
# Knobs: PASSWORDS, CONCURRENCY, LATENCY_MS, RUNS, LINES, SERVE_FLAGS (extra
# flags for the mirror, e.g. --gzip).
set -euo pipefail
cd "$(dirname "$0")/.."

PASSWORDS=${PASSWORDS:-2000}
CONCURRENCY=${CONCURRENCY:-32}
LATENCY_MS=${LATENCY_MS:-25}
RUNS=${RUNS:-5}
LINES=${LINES:-20000000}
SERVE_FLAGS=${SERVE_FLAGS:-}
DIR=${PWNED_BENCH_DIR:-target/pwned-bench}
DATA="$DIR/pwned-sha1-ordered-by-hash.txt"
ONLINE="$DIR/online-$PASSWORDS"

echo "== building vaultlint (release)"
cargo build --release --quiet
VAULTLINT=target/release/vaultlint

if [ ! -f "$DATA" ]; then
    echo "== generating the dataset ($LINES lines) in $DIR"
    python3 scripts/pwned-bench-data.py --lines "$LINES" --passwords 5000 --present 500 --out "$DIR"
    echo "$LINES 5000 500" > "$DIR/params"
fi
# The same generator and seed: the first 500 of these passwords are in the dataset.
python3 scripts/pwned-bench-data.py --passwords "$PASSWORDS" --present 500 --out "$ONLINE" --no-dataset

distinct=$(python3 -c "
import csv, hashlib, sys
rows = csv.DictReader(open(sys.argv[1]))
print(len({hashlib.sha1(r['login_password'].encode()).hexdigest()[:5] for r in rows}))" "$ONLINE/vault.csv")

echo "== starting the mirror (padding, ${LATENCY_MS} ms added per request) $SERVE_FLAGS"
# shellcheck disable=SC2086
"$VAULTLINT" pwned serve --dataset "$DATA" --listen 127.0.0.1:0 --padding --latency "${LATENCY_MS}ms" $SERVE_FLAGS 2> "$ONLINE/serve.log" &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q "http://" "$ONLINE/serve.log" 2>/dev/null && break
    sleep 0.1
done
URL=$(grep -o 'http://[0-9.:]*' "$ONLINE/serve.log" | head -1)
[ -n "$URL" ] || { echo "the mirror did not start" >&2; cat "$ONLINE/serve.log" >&2; exit 1; }
echo "mirror at $URL"

now() { date +%s.%N; }
times=()
for run in $(seq "$RUNS"); do
    t0=$(now)
    set +e
    "$VAULTLINT" audit "$ONLINE/vault.csv" --only pwned --pwned-url "$URL" --pwned-concurrency "$CONCURRENCY" --format json -o "$ONLINE/vaultlint.json"
    code=$?
    set -e
    t1=$(now)
    [ "$code" = 1 ] || { echo "vaultlint exited $code (expected 1: findings)" >&2; exit 1; }
    times+=("$(echo "$t1 - $t0" | bc -l)")
    echo "run $run: ${times[-1]} s"
done
found=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(a['pwned']['status']=='exposed' for a in r['accounts']))" "$ONLINE/vaultlint.json")
echo "leaked found: $found (expected 500)"
[ "$found" = 500 ] || { echo "wrong result" >&2; exit 1; }

median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
best=$(printf '%s\n' "${times[@]}" | sort -g | head -1)
rounds=$(( (distinct + CONCURRENCY - 1) / CONCURRENCY ))
ideal=$(echo "$rounds * $LATENCY_MS / 1000" | bc -l)
printf '%d passwords, %d distinct prefixes, concurrency %d: %d rounds x %d ms = ideal %.3f s\n' \
    "$PASSWORDS" "$distinct" "$CONCURRENCY" "$rounds" "$LATENCY_MS" "$ideal"
printf 'vaultlint best %.3f s, median %.3f s: %.2fx the ideal (target: within 1.5x)\n' \
    "$best" "$median" "$(echo "$median / $ideal" | bc -l)"
