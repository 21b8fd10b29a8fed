#!/usr/bin/env python3
"""Inputs of the pwned benchmarks (never committed; write them under target/).

- a Pwned Passwords SHA-1 file "ordered by hash": LINES lines of
  `FULLHASH:COUNT`, CRLF, uppercase, random hashes spread over every prefix;
- PASSWORDS generated passwords, the first PRESENT of them also in the file;
- the same passwords as a Bitwarden CSV export (for vaultlint) and a KeePass
  XML file (for `keepassxc-cli import`).

Usage: pwned-bench-data.py --lines N --passwords M --present K --out DIR [--no-dataset]
"""

import argparse
import base64
import hashlib
import os
import random
from xml.sax.saxutils import escape

PREFIXES = 1 << 20


def passwords(m, seed):
    rng = random.Random(seed)
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+-"
    return [f"bench{i:05d}-" + "".join(rng.choice(alphabet) for _ in range(12)) for i in range(m)]


def write_dataset(path, lines, present, seed):
    """present: {full hash hex: count}. Writes exactly `lines` lines."""
    rng = random.Random(seed + 1)
    by_prefix = {}
    for h, c in present.items():
        by_prefix.setdefault(int(h[:5], 16), []).append(f"{h[5:]}:{c}")
    fill = lines - len(present)
    base, extra = divmod(fill, PREFIXES)
    with open(path, "w", newline="") as out:
        chunk = []
        for p in range(PREFIXES):
            k = base + (1 if p < extra else 0)
            raw = rng.randbytes(18 * k).hex().upper()
            rows = [raw[36 * j + 1 : 36 * j + 36] + ":" + str(rng.randint(1, 50000)) for j in range(k)]
            rows.extend(by_prefix.get(p, ()))
            rows.sort()
            head = f"{p:05X}"
            chunk.append("".join(f"{head}{r}\r\n" for r in rows))
            if len(chunk) == 4096:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=20_000_000)
    ap.add_argument("--passwords", type=int, default=5000)
    ap.add_argument("--present", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-dataset", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    pws = passwords(a.passwords, a.seed)
    present = {hashlib.sha1(p.encode()).hexdigest().upper(): 1000 + i for i, p in enumerate(pws[: a.present])}

    with open(os.path.join(a.out, "vault.csv"), "w", newline="") as f:
        f.write("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n")
        for i, p in enumerate(pws):
            f.write(f",,login,site{i},,,0,https://site{i}.example.com,user{i}@example.com,{p},\n")

    def uuid():
        return base64.b64encode(os.urandom(16)).decode()

    with open(os.path.join(a.out, "vault.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<KeePassFile><Meta><Generator>vaultlint-bench</Generator></Meta><Root><Group>')
        f.write(f"<UUID>{uuid()}</UUID><Name>Root</Name>\n")
        for i, p in enumerate(pws):
            f.write(
                f"<Entry><UUID>{uuid()}</UUID>"
                f"<String><Key>Title</Key><Value>site{i}</Value></String>"
                f"<String><Key>UserName</Key><Value>user{i}@example.com</Value></String>"
                f"<String><Key>Password</Key><Value>{escape(p)}</Value></String>"
                f"<String><Key>URL</Key><Value>https://site{i}.example.com</Value></String></Entry>\n"
            )
        f.write("</Group></Root></KeePassFile>\n")

    if not a.no_dataset:
        write_dataset(os.path.join(a.out, "pwned-sha1-ordered-by-hash.txt"), a.lines, present, a.seed)


if __name__ == "__main__":
    main()
