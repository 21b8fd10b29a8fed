#!/usr/bin/env bash
# Renders HTML reports and checks them in a real browser (headless Chromium,
# driven by scripts/html-check.py): the family samples, a generated
# 300-account export, and an export of hostile, very long values. Each page is
# opened at 1280x800 and 390x844 and must have no horizontal overflow, no
# console error, and the first member's health summary on the first screen.
# Screenshots (first screen and whole page) go to $OUT (default
# target/html-check).
#
#   scripts/html-check.sh                 # debug build (what `cargo test` built)
#   PROFILE=release scripts/html-check.sh # release build (what the README's commands and CI build)
#   scripts/html-check.sh --update-docs   # also copies the family screenshots to docs/
#                                         # (the page, and its lockout drill: docs/drill-1280.png)
#
# Installs Debian's `chromium` with apt-get when it is missing (as root);
# otherwise set CHROMIUM=/path/to/chromium. It also proves that the checks
# bite: a page with a too-wide element and a blocked image must fail them.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/html-check}
PROFILE=${PROFILE:-dev}
CHROMIUM=${CHROMIUM:-chromium}
export CHROMIUM

if ! command -v "$CHROMIUM" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing chromium (apt-get)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "html-check: $CHROMIUM not found; install it (apt-get install chromium) or set CHROMIUM" >&2
        exit 2
    fi
fi
"$CHROMIUM" --version 2>/dev/null

echo "== building vaultlint and vaultlint-gen ($PROFILE)"
cargo build --locked --profile "$PROFILE" --bin vaultlint --example vaultlint-gen
dir=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
bin="${CARGO_TARGET_DIR:-target}/$dir"
pages="$OUT/pages"
rm -rf "$OUT"
mkdir -p "$pages"

# An audit exits 1 when it has findings: only 2 and above are errors here. The
# clock is fixed (2026-01-01) so that the screenshots in docs/ can be remade.
report() {
    local out=$1
    shift
    local code=0
    SOURCE_DATE_EPOCH=1767225600 VAULTLINT_PWNED=off NO_COLOR=1 "$bin/vaultlint" audit --pwned off --format html -o "$out" "$@" || code=$?
    if [ "$code" -gt 1 ]; then
        echo "html-check: vaultlint audit $* exited $code" >&2
        exit 1
    fi
}

family() { echo "$1=sample-exports/family/$1.csv"; }
report "$pages/family.html" "$(family alice)" "$(family bob)" "$(family carol)" \
    --recovery-inventory sample-exports/family/recovery-inventory.toml

"$bin/examples/vaultlint-gen" --entries 300 --seed 42 --out "$pages/vault300.csv"
report "$pages/vault300.html" "family=$pages/vault300.csv"

# Values no layout expects: long unbroken words, markup, a long URL.
long=$(printf 'x%.0s' $(seq 1 300))
{
    echo "name,url,username,password"
    echo "\"<b>$long</b>\",https://$long.example/$long,$long@example.com,Same-Pass-1"
    echo "\"<script>alert(1)</script>\",http://a.example,someone,Same-Pass-1"
    echo "Short,https://b.example,,Another-Weak-1"
} >"$pages/long.csv"
report "$pages/long.html" "a-member-name-that-goes-on-and-on-without-any-break=$pages/long.csv"

python3 scripts/html-check.py --out "$OUT" --part "#drill" "$pages/family.html" "$pages/vault300.html" "$pages/long.html"

echo "== the checks fail a broken page"
cat >"$pages/broken.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><p class="member-summary">summary</p><div style="width:1500px">too wide</div>
<img src="http://127.0.0.1:9/blocked.png" alt=""></body></html>
EOF
python3 scripts/html-check.py --expect-fail --out "$OUT/broken" "$pages/broken.html"

if [ "${1:-}" = "--update-docs" ]; then
    cp "$OUT/family-1280.png" docs/report-1280.png
    cp "$OUT/family-390.png" docs/report-390.png
    cp "$OUT/family-1280-part.png" docs/drill-1280.png
    echo "updated docs/report-1280.png, docs/report-390.png and docs/drill-1280.png (the lockout drill)"
fi
echo "html-check: ok (screenshots in $OUT)"
