#!/usr/bin/env bash
# The scaling table of issue 15: `vaultlint audit` with every check on
# generated exports of growing size, wall time and max RSS of the whole
# process (/usr/bin/time -v), with the 10-entry start-up as its anchor.
#
#   scripts/scale.sh                       # 10k -> 200k, both generator mixes
#   SCALE_1M=1 scripts/scale.sh            # also 400k and 1M (minutes; not in CI)
#   SIZES="10000 20000" scripts/scale.sh   # other sizes
#   DATASET_LINES=20000000 scripts/scale.sh  # offline dataset size (default 2M lines)
#   DATASET=0 scripts/scale.sh             # no offline-dataset rows
#   VAULTLINT=path/to/old/vaultlint scripts/scale.sh  # another build, same table
#   OFFLINE=0 scripts/scale.sh             # without the offline-ratio anchor
#   REPEAT=5 scripts/scale.sh              # repetitions (default 3; sizes above 200k run in the
#                                          # first only unless REPEAT is given): each walks the
#                                          # sizes up and back down; the table gives each row's
#                                          # median and ranges, the growth per doubling is read
#                                          # within each repetition, then its median is taken
#
# Mixes (benches/support/gen.rs): `realistic` (55 % manager-generated) and
# `shared-words` (most passwords built from a few hundred shared words,
# years and symbols, with many tweaks: dense near reuse), each as one
# export. With a dataset, each size also runs `--pwned-dataset FILE` on the
# realistic mix (the file is generated once by scripts/pwned-bench-data.py
# under target/scale), and on the same logins as a team: one export of 500
# logins per person (N/500 people: 2,000 at 1M, the issue's team).
# Anchors measured in the same run: the 10-entry start-up (first) and, when
# keepassxc-cli is installed, the offline ratio against KeePassXC
# (scripts/pwned-bench-offline.sh, last; OFFLINE_RUNS pairs, default 5;
# it always times target/release/vaultlint, whatever VAULTLINT says).
# Prints a Markdown table with the load average before each run. Needs
# cargo, python3, GNU time (/usr/bin/time); hyperfine for the start-up row
# if installed (otherwise the best of 20 runs).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 20000 50000 100000 200000"}
if [ "${SCALE_1M:-0}" = 1 ]; then
    SIZES="$SIZES 400000 1000000"
fi
DATASET_LINES=${DATASET_LINES:-2000000}
DIR=target/scale
mkdir -p "$DIR"

[ -x /usr/bin/time ] || { echo "GNU time not found: apt-get install time" >&2; exit 1; }

echo "== building vaultlint and the generator (release)" >&2
cargo build --release --quiet --bin vaultlint --example vaultlint-gen
VL=${VAULTLINT:-target/release/vaultlint}
GEN=target/release/examples/vaultlint-gen

load() { cut -d' ' -f1 /proc/loadavg; }

# once ARGS...: one timed audit; prints "wall_s max_rss_mib cpu_s" (CPU =
# user + system: less sensitive than wall time to other jobs' load).
#
# Each run writes its report to a new file, removed once the run is timed:
# a run that overwrote the previous run's report (up to 2 GB at 1M) paid
# for truncating it (0.5-0.7 s at 50k after a 2 GB file), and reports left
# on disk were written back while later runs were timed.
once() {
    local log="$DIR/time.log"
    rm -f "$DIR/report.json"
    /usr/bin/time -v "$VL" audit "$@" --format json -o "$DIR/report.json" --exit-zero \
        2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
        awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")
    rm -f "$DIR/report.json"
    printf '%.2f %.0f %.2f\n' "$wall" "$((rss / 1024))" "$cpu"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
echo

# Anchor: a 10-entry audit, what a family member runs.
$GEN --entries 10 --seed 1 --out "$DIR/vault-10.csv" 2>/dev/null
if command -v hyperfine >/dev/null; then
    l=$(load)
    hyperfine -N -w 5 -r 50 --export-json "$DIR/startup.json" \
        "$VL audit $DIR/vault-10.csv --pwned off --format json -o $DIR/report-10.json --exit-zero" >/dev/null 2>&1
    startup=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"mean {r['mean']*1000:.1f} ms, median {r['median']*1000:.1f} ms, min {r['min']*1000:.1f} ms (hyperfine, 50 runs)\")" "$DIR/startup.json")
else
    l=$(load)
    best=999
    for _ in $(seq 20); do
        t=$(once "$DIR/vault-10.csv" --pwned off | cut -d" " -f1)
        best=$(echo "if ($t < $best) $t else $best" | bc -l)
    done
    startup="best of 20: ${best} s"
fi
rss10=$(once "$DIR/vault-10.csv" --pwned off | cut -d' ' -f2)
echo "10-entry start-up (load $l): $startup, max RSS $rss10 MiB"
echo

if [ "${DATASET:-1}" != 0 ]; then
    DATA="$DIR/data/pwned-sha1-ordered-by-hash.txt"
    if [ ! -f "$DATA" ] || [ "$(cat "$DIR/data/params" 2>/dev/null)" != "$DATASET_LINES" ]; then
        echo "== generating a $DATASET_LINES-line dataset in $DIR/data" >&2
        mkdir -p "$DIR/data"
        rm -f "$DIR/data/params"
        python3 scripts/pwned-bench-data.py --lines "$DATASET_LINES" --passwords 10 --present 1 --out "$DIR/data" >&2
        echo "$DATASET_LINES" > "$DIR/data/params"
    fi
    cat "$DATA" >/dev/null # warm page cache, as a dataset in use is
fi

echo "binary: $VL"
echo "targets (issue 15, 2 cores, every check): 200,000 entries under 8 s and 500 MB;"
echo "1,000,000 under 60 s and 2.5 GB; each doubling at most 2.1x time and memory."
echo "wall = elapsed; CPU = user + system of the whole process (trust it over wall when"
echo "the load column is above the core count); max RSS from /usr/bin/time -v."
echo
# team DIR CSV: splits CSV into one export of 500 logins per person under
# DIR (person0000.csv, ...), as a team of N/500 people would run it.
team() {
    python3 - "$1" "$2" <<'PY'
import csv, os, sys
out, src = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
for k in range(0, len(rows), 500):
    with open(os.path.join(out, f"person{k // 500:04d}.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows[k:k + 500])
PY
}

# The rows of each size: "mix lookups", in table order. With a dataset:
# the realistic mix with it, and the same logins as a team (N/500 people,
# 500 logins each, the issue's 1M row).
ROWS=("realistic off" "shared-words off")
if [ "${DATASET:-1}" != 0 ]; then
    ROWS=("realistic off" "realistic dataset" "shared-words off" "team dataset")
fi
# Inputs first, so that the timed runs follow each other closely.
for n in $SIZES; do
    [ -f "$DIR/realistic-$n.csv" ] ||
        $GEN --entries "$n" --seed 42 --out "$DIR/realistic-$n.csv" 2>/dev/null
    [ -f "$DIR/shared-words-$n.csv" ] ||
        $GEN --entries "$n" --seed 42 --shared-words --out "$DIR/shared-words-$n.csv" 2>/dev/null
    if [ "${DATASET:-1}" != 0 ] && [ ! -f "$DIR/team-$n/person0000.csv" ]; then
        team "$DIR/team-$n" "$DIR/realistic-$n.csv"
    fi
done
# args N MIX LOOKUPS: the audit's arguments for one row.
args() {
    local input=("$DIR/$2-$1.csv")
    [ "$2" = team ] && input=("$DIR/team-$1"/person*.csv)
    case $3 in
    off) echo "${input[@]}" --pwned off ;;
    dataset) echo "${input[@]}" --pwned-dataset "$DATA" ;;
    esac
}

# The runs, interleaved: each repetition walks every size and row up, in
# order, then back down in the reverse order (the largest size runs once,
# at the turn), and the next repetition starts over. The growth per doubling
# is read within each repetition, from the sum of a size's two runs against
# the sum of the next size's: both pairs of runs are centred on the same
# moment (the turn), so a machine that speeds up or slows down steadily
# over the repetition (the shared VM does, over minutes) moves both sizes
# alike and cancels out; a slow minute touches one run of each size around
# it rather than all runs of one size. Then the median over repetitions.
# REPEAT repetitions (default 3); sizes above 200,000 in the first only
# unless REPEAT is given. Each line of $RAW: repetition, pass (u: up, d:
# down, c: the turn, counted for both), size, mix, lookups, wall, max RSS,
# CPU, load before.
RAW="$DIR/runs.txt"
: >"$RAW"
reps=${REPEAT:-3}
timed() { # REP PASS N MIX LOOKUPS
    local l wall rss cpu
    l=$(load)
    # shellcheck disable=SC2046 # the arguments are paths without spaces
    read -r wall rss cpu < <(once $(args "$3" "$4" "$5"))
    echo "$1 $2 $3 $4 $5 $wall $rss $cpu $l" >>"$RAW"
    echo "  run $1$2: $3 $4 $5: $wall s, $rss MiB (load $l)" >&2
}
for rep in $(seq "$reps"); do
    walk=()
    for n in $SIZES; do
        [ -n "${REPEAT:-}" ] || [ "$n" -le 200000 ] || [ "$rep" = 1 ] || continue
        for row in "${ROWS[@]}"; do walk+=("$n $row"); done
    done
    top=${walk[-1]%% *}
    for step in "${walk[@]}"; do
        read -r n mix lookups <<<"$step"
        if [ "$n" = "$top" ]; then pass=c; else pass=u; fi
        timed "$rep" "$pass" "$n" "$mix" "$lookups"
    done
    for ((i = ${#walk[@]} - 1; i >= 0; i--)); do
        read -r n mix lookups <<<"${walk[i]}"
        [ "$n" = "$top" ] || timed "$rep" d "$n" "$mix" "$lookups"
    done
done

# The table: each row's median wall, CPU and RSS over its runs, with the
# runs' ranges and the highest load seen before them.
echo "| entries | mix | lookups | wall | CPU (user+sys) | max RSS | load before (max) | runs: wall, RSS ranges |"
echo "|---|---|---|---|---|---|---|---|"
awk -v datalines="$DATASET_LINES" '
    function sort(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    }
    function med(a, n) { sort(a, n); return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    {
        k = $3 " " $4 " " $5
        if (!(k in cnt)) order[++nk] = k
        j = ++cnt[k]; W[k, j] = $6; R[k, j] = $7; C[k, j] = $8
        if ($9 > L[k]) L[k] = $9
    }
    END {
        for (x = 1; x <= nk; x++) {
            k = order[x]; n = cnt[k]; split(k, f, " ")
            for (i = 1; i <= n; i++) { w[i] = W[k, i]; r[i] = R[k, i]; c[i] = C[k, i] }
            wm = med(w, n); wlo = w[1]; whi = w[n]
            rm = med(r, n); rlo = r[1]; rhi = r[n]
            cm = med(c, n)
            mix = f[2]; if (mix == "team") mix = "team of " f[1] / 500 " × 500"
            look = (f[3] == "off") ? "`--pwned off`" : "dataset, " datalines " lines"
            printf "| %s | %s | %s | %.2f s | %.2f s | %d MiB | %.2f | %d: %.2f-%.2f s, %d-%d MiB |\n",
                f[1], mix, look, wm, cm, rm, L[k], n, wlo, whi, rlo, rhi
        }
    }' "$RAW"

# The verdicts: the growth per doubling between consecutive sizes of the
# same row, read within each repetition (a size's runs up and down summed,
# against the next size's: see above) and then the median over repetitions
# (with the per-repetition range beside it), and
# each target against the rows' medians (wall time only means something
# when the load stayed under the core count; CPU is given beside it).
echo
awk -v cores="$(nproc)" -v sizes="$SIZES" '
    function sort(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    }
    function med(a, n) { sort(a, n); return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function verdict(ok) { return ok ? "met" : "NOT met" }
    {
        k = $4 " " $5; n = $3
        if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
        # the two runs of a size in a repetition, summed (the turn counts twice)
        x = ($2 == "c") ? 2 : 1
        W[$1, n, k] += x * $6; R[$1, n, k] += x * $7; C[$1, n, k] += x * $8
        L[n, k] = ($9 > L[n, k]) ? $9 : L[n, k]
        if ($1 > reps) reps = $1
        # the runs themselves, for the targets
        j = ++cnt[n, k]; V[n, k, j] = $6; Q[n, k, j] = $7
    }
    END {
        ns = split(sizes, S, " ")
        for (x = 1; x <= nk; x++) {
            k = keys[x]
            for (s = 2; s <= ns; s++) {
                a = S[s - 1]; b = S[s]; d = log(b / a) / log(2); m = 0
                for (r = 1; r <= reps; r++) {
                    if (!((r, a, k) in W) || !((r, b, k) in W)) continue
                    m++
                    w[m] = (W[r, b, k] / W[r, a, k]) ^ (1 / d)
                    rr[m] = (R[r, b, k] / R[r, a, k]) ^ (1 / d)
                    c[m] = (C[r, b, k] / C[r, a, k]) ^ (1 / d)
                }
                if (m == 0) continue
                wm = med(w, m); wlo = w[1]; whi = w[m]
                rm = med(rr, m); cm = med(c, m)
                loaded = (L[a, k] > cores || L[b, k] > cores) ? " (load above the core count: read CPU)" : ""
                printf "per doubling, %s %s -> %s (%d repetitions): wall %.2fx (runs %.2f-%.2fx), CPU %.2fx, RSS %.2fx (target <= 2.1x: %s)%s\n",
                    k, a, b, m, wm, wlo, whi, cm, rm, verdict(wm <= 2.1 && rm <= 2.1), loaded
            }
            for (s = 1; s <= ns; s++) {
                n = S[s]; m = cnt[n, k]
                for (j = 1; j <= m; j++) { w[j] = V[n, k, j]; rr[j] = Q[n, k, j] }
                if (m == 0) continue
                wm = med(w, m); rm = med(rr, m)
                quiet = (L[n, k] <= cores) ? "" : " (load " L[n, k] " > " cores " cores: wall time inflated)"
                if (n == 200000)
                    printf "TARGET 200,000 %s: wall %.2f s (< 8 s: %s), max RSS %d MiB (< 500 MB = 476 MiB: %s)%s\n",
                        k, wm, verdict(wm < 8), rm, verdict(rm < 476.8), quiet
                if (n == 1000000)
                    printf "TARGET 1,000,000 %s: wall %.2f s (< 60 s: %s), max RSS %d MiB (< 2.5 GB = 2384 MiB: %s)%s\n",
                        k, wm, verdict(wm < 60), rm, verdict(rm < 2384), quiet
            }
        }
    }' "$RAW"

# Anchor: the offline ratio (issue 15: at least 100x keepassxc-cli in the
# median pair), in the same run as the table.
if [ "${OFFLINE:-1}" != 0 ]; then
    echo
    if command -v keepassxc-cli >/dev/null; then
        echo "offline ratio (scripts/pwned-bench-offline.sh, RUNS=${OFFLINE_RUNS:-5}, load $(load)):"
        RUNS="${OFFLINE_RUNS:-5}" scripts/pwned-bench-offline.sh 2>&1 |
            grep -E '^(run |load average|leaked|vaultlint|keepassxc|speed-up)' | sed 's/^/    /'
    else
        echo "offline ratio: not measured (keepassxc-cli not installed)"
    fi
fi
