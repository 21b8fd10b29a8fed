#!/usr/bin/env python3
"""vaultlint addition: turns a Bitwarden-style CSV export (vaultlint's
generated ones, target/scale/*.csv) into the input of `score_lines`: one line
per login, its password then user inputs close to what vaultlint's `weak`
check gives zxcvbn (username, its local part and words, title and its words,
host and site name; lowercased, at least 3 characters, at most 16).

    python3 vendor/zxcvbn/examples/export_to_tsv.py target/scale/realistic-200000.csv > r.tsv

For generated exports only: its output holds every password in plain text.
Never run it on a real export (vaultlint's trust rule 1).
"""
import csv
import re
import sys
from urllib.parse import urlparse

out = sys.stdout
for r in csv.DictReader(open(sys.argv[1], newline="")):
    pw = r["login_password"]
    if not pw or "\t" in pw or "\n" in pw:
        continue
    inputs = []

    def add(s):
        s = s.strip().lower()[:64]
        if len(s) >= 3 and s not in inputs and len(inputs) < 16 and "\t" not in s and "\n" not in s:
            inputs.append(s)

    user, title = r["login_username"], r["name"]
    local = user.split("@")[0]
    add(user)
    add(local)
    for w in re.split(r"\W+", local):
        add(w)
    add(title)
    for w in re.split(r"\W+", title):
        add(w)
    host = urlparse(r["login_uri"]).hostname
    if host:
        add(host)
        add(host.split(".")[-2] if "." in host else host)
    out.write("\t".join([pw] + inputs) + "\n")
