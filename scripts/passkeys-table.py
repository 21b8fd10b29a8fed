#!/usr/bin/env python3
"""Builds vaultlint's built-in passkeys table (data/passkeys.json) from
2factorauth/passkeys entries (https://github.com/2factorauth/passkeys, CC BY 4.0).

    scripts/passkeys-table.py --repo PATH/TO/passkeys > data/passkeys.json
    scripts/passkeys-table.py --tsv data/passkeys-entries.tsv > data/passkeys.json

--repo reads a checkout's entries/*/*.json (the commit from `git rev-parse HEAD`).
--tsv reads `path<TAB>commit<TAB>entry JSON` lines: the entries as read one by
one through a code index, each at its own commit (how the shipped table was made;
see data/README.md).

The output has the shape of the directory's API v1 all.json (one object keyed by
domain), which vaultlint also reads from `vaultlint passkeys update`, plus `name`,
`additional-domains` and `commit` per entry. Only the keys vaultlint reads are kept.
"""

import argparse
import glob
import json
import os
import subprocess
import sys

KEEP = ("additional-domains", "passwordless", "mfa", "documentation")


def entries_from_repo(repo):
    commit = subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    for path in sorted(glob.glob(os.path.join(repo, "entries", "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            yield os.path.relpath(path, repo), commit, json.load(f)


def entries_from_tsv(tsv):
    with open(tsv, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                path, commit, text = line.split("\t", 2)
                yield path, commit, json.loads(text)
            except ValueError as e:
                sys.exit(f"{tsv}:{n}: {e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--repo")
    src.add_argument("--tsv")
    args = ap.parse_args()
    entries = entries_from_repo(args.repo) if args.repo else entries_from_tsv(args.tsv)
    table = {}
    for path, commit, data in entries:
        if len(data) != 1:
            sys.exit(f"{path}: expected one object keyed by the site's name")
        (name, entry), = data.items()
        domain = entry.get("domain") or os.path.basename(path)[: -len(".json")]
        if domain.endswith(".example.com") or domain == "example.com":
            continue  # the repository's CI test entries
        out = {"name": name}
        out.update({k: entry[k] for k in KEEP if k in entry})
        out["commit"] = commit[:12]
        table[domain.lower()] = out
    json.dump(dict(sorted(table.items())), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    print(f"{len(table)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
