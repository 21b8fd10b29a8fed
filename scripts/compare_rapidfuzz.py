#!/usr/bin/env python3
"""Compares `vaultlint audit --only similar` with rapidfuzz.process.cdist on the
same generated export, and measures vaultlint's precision on random passwords
and its strength check end to end. Run through scripts/compare_rapidfuzz.sh,
which builds everything and prepares the data and the Python environment.

Prints timings (best of --repeat runs, wall clock, one process tree at a
time) and the recall checks:
- every pair rapidfuzz finds at Levenshtein distance <= 2 between two distinct
  passwords of 6+ characters must have both accounts in one vaultlint group,
  or in two groups one of which names the other (or the account) as related;
- every tweak pair the generator planted must be grouped too.
No password is printed.
"""

import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist


def read_passwords(path):
    """(CSV line number, password) of each row; the generator writes one line per row."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return [(i + 2, row["login_password"]) for i, row in enumerate(reader)]


def run_vaultlint(binary, csv_path, check, repeat):
    """Best wall time of `repeat` runs, and the JSON report of the last one."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [binary, "audit", csv_path, "--only", check, "--format", "json",
                 "-o", out, "--exit-zero"],
                check=True,
                stderr=subprocess.DEVNULL,
            )
            best = min(best, time.perf_counter() - start)
        with open(out, encoding="utf-8") as f:
            return best, json.load(f)


def groups_by_line(report):
    return {a["row"]: a["similar_group"] for a in report["accounts"]}


def related_groups(report):
    """What a similar group reports as related: a pair across two groups
    (groups are bounded by base word). Pairs (group, other group) and
    (group, CSV line of an ungrouped account)."""
    line = {a["id"]: a["row"] for a in report["accounts"]}
    out = set()
    for f in report["findings"]:
        details = f.get("details") or {}
        g = details.get("group")
        if g is None:
            continue
        for r in details.get("related", []):
            if r.get("group"):
                out.add((g, r["group"]))
                out.add((r["group"], g))
            else:
                for b in r["between"][1]:
                    out.add((g, line[b]))
    return out


def same_or_related(group, related, line_a, line_b):
    ga, gb = group.get(line_a), group.get(line_b)
    if ga is not None and ga == gb:
        return True
    return (ga, gb) in related or (ga, line_b) in related or (gb, line_a) in related


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vaultlint", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--random-csv", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rapidfuzz-repeat", type=int, default=1)
    args = ap.parse_args()

    rows = read_passwords(args.csv)
    passwords = [p for _, p in rows]
    print(f"data: {args.csv}: {len(rows)} entries, {len(set(passwords))} distinct passwords")

    vl_time, report = run_vaultlint(args.vaultlint, args.csv, "similar", args.repeat)
    group = groups_by_line(report)
    related = related_groups(report)
    grouped = sum(1 for g in group.values() if g)
    print(f"vaultlint --only similar: {vl_time:.3f} s (best of {args.repeat}, whole process: "
          f"read CSV, check, write JSON); {report['summary']['by_check'].get('similar', 0)} groups, "
          f"{grouped} accounts grouped")

    rf_time = float("inf")
    for _ in range(args.rapidfuzz_repeat):
        start = time.perf_counter()
        dist = cdist(passwords, passwords, scorer=Levenshtein.distance, score_cutoff=2,
                     workers=-1, dtype=np.uint8)
        rf_time = min(rf_time, time.perf_counter() - start)
    print(f"rapidfuzz cdist (Levenshtein, score_cutoff=2, workers=-1): {rf_time:.3f} s "
          f"(best of {args.rapidfuzz_repeat})")
    print(f"speed-up: {rf_time / vl_time:.1f}x")

    # Pair recall against rapidfuzz.
    i_idx, j_idx = np.nonzero(dist <= 2)
    del dist
    total = found = 0
    missed = []
    for i, j in zip(i_idx.tolist(), j_idx.tolist()):
        if i >= j:
            continue
        a, b = passwords[i], passwords[j]
        if a == b or len(a) < 6 or len(b) < 6:
            continue
        total += 1
        if same_or_related(group, related, rows[i][0], rows[j][0]):
            found += 1
        else:
            missed.append((rows[i][0], rows[j][0]))
    print(f"recall vs rapidfuzz (distance <= 2, distinct, both 6+ chars): {found}/{total} pairs "
          f"in one vaultlint group")
    for a, b in missed[:10]:
        print(f"  missed: lines {a} and {b}")

    # Planted tweak pairs.
    by_tweak = collections.Counter()
    hit = collections.Counter()
    with open(args.truth, newline="") as f:
        for t in csv.DictReader(f):
            a, b = int(t["line_a"]), int(t["line_b"])
            by_tweak[t["tweak"]] += 1
            if same_or_related(group, related, a, b):
                hit[t["tweak"]] += 1
    print(f"planted tweak pairs grouped: {sum(hit.values())}/{sum(by_tweak.values())} ("
          + ", ".join(f"{k} {hit[k]}/{n}" for k, n in sorted(by_tweak.items())) + ")")

    # Strength, end to end.
    weak_time, weak = run_vaultlint(args.vaultlint, args.csv, "weak", args.repeat)
    print(f"vaultlint --only weak: {weak_time:.3f} s (best of {args.repeat}, whole process); "
          f"{weak['summary']['by_check'].get('weak', 0)} weak findings")

    # Precision on random passwords.
    random_rows = read_passwords(args.random_csv)
    r_time, r_report = run_vaultlint(args.vaultlint, args.random_csv, "similar", 1)
    false_accounts = sum(1 for a in r_report["accounts"] if a["similar_group"])
    print(f"precision: {len(random_rows)} random 12-24 character passwords "
          f"({len(set(p for _, p in random_rows))} distinct): {false_accounts} accounts in a "
          f"similar group, {r_report['summary']['by_check'].get('similar', 0)} groups "
          f"({r_time:.3f} s)")

    ok = found == total and sum(hit.values()) == sum(by_tweak.values()) and false_accounts == 0
    print("RESULT:", "all recall and precision checks pass" if ok else "CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
