#!/usr/bin/env python3
"""Compares `vaultlint audit --only weak` with Python zxcvbn on the same
generated export, in the same run. Run through scripts/compare_zxcvbn.sh,
which builds vaultlint, generates the export and installs zxcvbn in a venv.

Python zxcvbn scores each password with the account's username, the local
part of its email and the site's title as user inputs (vaultlint uses the
same and a few more words of them), in a pool of one process per core.
Prints wall times (best of --repeat runs) and how often the two scores agree.
No password is printed.
"""

import argparse
import csv
import json
import multiprocessing
import os
import subprocess
import tempfile
import time

from zxcvbn import zxcvbn


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [
            (row["login_password"], row["login_username"], row["name"])
            for row in csv.DictReader(f)
        ]


def score(row):
    password, username, title = row
    inputs = [x for x in {username, username.split("@")[0], title} if x]
    return zxcvbn(password, user_inputs=inputs)["score"]


def run_vaultlint(binary, csv_path, repeat):
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [binary, "audit", csv_path, "--only", "weak", "--pwned", "off",
                 "--format", "json", "-o", out],
                check=False,
            )
            best = min(best, time.perf_counter() - start)
        with open(out, encoding="utf-8") as f:
            return best, json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vaultlint", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    rows = read_rows(args.csv)
    cores = os.cpu_count()
    print(f"data: {args.csv}: {len(rows)} entries; {cores} cores")

    vl_time, report = run_vaultlint(args.vaultlint, args.csv, args.repeat)
    print(f"vaultlint --only weak: {vl_time:.3f} s (best of {args.repeat}, whole process: "
          f"read, score, write the JSON report)")

    best = float("inf")
    with multiprocessing.Pool(cores) as pool:
        pool.map(score, rows[:cores])  # start the workers, load the dictionaries
        for _ in range(args.repeat):
            start = time.perf_counter()
            py_scores = pool.map(score, rows, chunksize=256)
            best = min(best, time.perf_counter() - start)
    print(f"Python zxcvbn, {cores} processes: {best:.3f} s (best of {args.repeat}, scoring only)")
    print(f"speed-up: {best / vl_time:.1f}x")

    vl_scores = [a["strength"]["score"] for a in report["accounts"]]
    same = sum(1 for a, b in zip(vl_scores, py_scores) if a == b)
    print(f"same score: {same}/{len(rows)} ({100 * same / len(rows):.1f} %); "
          "the two ports differ in dictionaries and details")


if __name__ == "__main__":
    main()
