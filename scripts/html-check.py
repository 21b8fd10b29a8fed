#!/usr/bin/env python3
"""Opens HTML reports in headless Chromium and checks what a reader sees.

    python3 scripts/html-check.py --out DIR [--width 1280x800 --width 390x844]
        [--fold SELECTOR] [--expect-fail] REPORT.html...

For each report and each width it loads the page in a fresh tab (device
metrics set to that width; "mobile" below 600 px, so the viewport meta
applies as on a phone), then asserts:

- no horizontal overflow: the document is no wider than the viewport
  (`scrollWidth <= clientWidth`; the widest offending elements are named);
- no console errors: nothing logged at error level (CSP violations, failed
  loads, console.error, uncaught exceptions), seen through the DevTools
  protocol's Log and Runtime events;
- the first element matching --fold (default `.member-summary`, the first
  member's health summary) ends within the first screen, when the page
  has one.

It saves NAME-WIDTH.png (the first screen) and NAME-WIDTH-full.png (the whole
page) in --out. It speaks the DevTools protocol over --remote-debugging-pipe
(file descriptors 3 and 4, NUL-separated JSON): no network port, no
third-party Python package. Exit status: 0 when every page passes, 1
otherwise (with --expect-fail, the reverse: used to prove the checks bite).
"""

import argparse
import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]

MEASURE = """(() => {
  const d = document.documentElement;
  const cw = d.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > cw + 0.5 && r.width > 0) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' right=' + Math.round(r.right));
      if (wide.length >= 5) break;
    }
  }
  const fold = FOLD ? document.querySelector(FOLD) : null;
  const part = PART ? document.querySelector(PART) : null;
  const pr = part ? part.getBoundingClientRect() : null;
  return JSON.stringify({
    scrollWidth: Math.max(d.scrollWidth, document.body.scrollWidth),
    clientWidth: cw,
    innerHeight: window.innerHeight,
    pageHeight: d.scrollHeight,
    wide: wide,
    foldBottom: fold ? fold.getBoundingClientRect().bottom : null,
    part: pr ? {x: pr.left + window.scrollX, y: pr.top + window.scrollY, width: pr.width, height: pr.height} : null,
  });
})()"""


class Browser:
    """One headless Chromium, driven over the DevTools pipe."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="vaultlint-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire():
            # Chromium reads commands on fd 3 and answers on fd 4. Move the
            # ends out of the way first: a pipe may already sit on 3 or 4.
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.profile, "stderr.log"), "wb"),
            preexec_fn=wire,
            close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._next = 0
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=30):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            e = self._read(deadline)
            if e.get("method") == method and e.get("sessionId") == session:
                return e
            self.events.append(e)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def errors_of(events, session):
    """Console errors among the events of one tab, as readable lines."""
    out = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        p = e.get("params", {})
        m = e.get("method")
        if m == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(f"{p['entry'].get('source')}: {p['entry']['text']}")
        elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            out.append("console." + p["type"] + ": " + " ".join(
                str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Runtime.exceptionThrown":
            out.append("exception: " + p["exceptionDetails"].get("text", ""))
    return out


def check(browser, page, width, height, out_dir, fold, screens=0, part=None):
    """Loads `page` at width x height; returns the failures (empty when fine)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send(
        "Target.attachToTarget", {"targetId": target, "flatten": True}
    )["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        session=session,
    )
    browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
    browser.wait_event("Page.loadEventFired", session)
    expr = MEASURE.replace("FOLD", json.dumps(fold)).replace("PART", json.dumps(part))
    m = json.loads(
        browser.send(
            "Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session
        )["result"]["value"]
    )
    stem = f"{page.stem}-{width}"
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    (out_dir / f"{stem}.png").write_bytes(base64.b64decode(shot["data"]))
    full_height = min(m["pageHeight"], 16000)
    shot = browser.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": full_height, "scale": 1},
        },
        session=session,
        timeout=60,
    )
    (out_dir / f"{stem}-full.png").write_bytes(base64.b64decode(shot["data"]))
    # --part SELECTOR: that element alone (NAME-WIDTH-part.png), e.g. the drill.
    if m["part"]:
        p = m["part"]
        clip = {"x": p["x"], "y": p["y"], "width": min(p["width"], width), "height": min(p["height"], 16000), "scale": 1}
        shot = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
            session=session,
            timeout=60,
        )
        (out_dir / f"{stem}-part.png").write_bytes(base64.b64decode(shot["data"]))
    # --screens N: the page cut into its first N screens, to look at.
    for n in range(1, screens):
        if n * height >= m["pageHeight"]:
            break
        clip = {"x": 0, "y": n * height, "width": width, "height": height, "scale": 1}
        shot = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
            session=session,
        )
        (out_dir / f"{stem}-screen{n + 1}.png").write_bytes(base64.b64decode(shot["data"]))
    # Let late log entries arrive, then collect this tab's errors.
    browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
    errors = errors_of(browser.events, session)
    browser.events = [e for e in browser.events if e.get("sessionId") != session]
    browser.send("Target.closeTarget", {"targetId": target})

    failures = []
    if m["scrollWidth"] > m["clientWidth"]:
        failures.append(
            f"horizontal overflow: the page is {m['scrollWidth']} px wide in a "
            f"{m['clientWidth']} px viewport ({'; '.join(m['wide']) or 'no element named'})"
        )
    failures.extend(f"console error: {e}" for e in errors)
    if fold and m["foldBottom"] is not None and m["foldBottom"] > height:
        failures.append(
            f"'{fold}' ends at {round(m['foldBottom'])} px, below the first screen ({height} px)"
        )
    print(
        f"{'FAIL' if failures else 'ok  '} {page.name} @ {width}x{height}: "
        f"width {m['scrollWidth']}/{m['clientWidth']} px, {len(errors)} console error(s), "
        f"summary ends at {m['foldBottom'] and round(m['foldBottom'])} px, "
        f"page {m['pageHeight']} px -> {out_dir / (stem + '.png')}"
    )
    for f in failures:
        print(f"     {f}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="+", type=pathlib.Path)
    ap.add_argument("--out", type=pathlib.Path, required=True)
    ap.add_argument("--width", action="append", help="WxH (default 1280x800 and 390x844)")
    ap.add_argument("--fold", default=".member-summary")
    ap.add_argument("--screens", type=int, default=0, help="also save the first N screens")
    ap.add_argument("--part", default=None, help="also save the element matching this selector")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "chromium"))
    ap.add_argument(
        "--expect-fail",
        action="store_true",
        help="succeed only if every view fails both the overflow and the console checks",
    )
    args = ap.parse_args()
    binary = shutil.which(args.chromium)
    if not binary:
        print(f"html-check: {args.chromium} not found", file=sys.stderr)
        return 2
    sizes = [tuple(int(n) for n in w.split("x")) for w in (args.width or ["1280x800", "390x844"])]
    args.out.mkdir(parents=True, exist_ok=True)
    browser = Browser(binary)
    failed = 0
    bitten = 0
    try:
        for page in args.reports:
            for w, h in sizes:
                failures = check(browser, page, w, h, args.out, args.fold, args.screens, args.part)
                failed += bool(failures)
                kinds = {f.split(":")[0] for f in failures}
                bitten += {"horizontal overflow", "console error"} <= kinds
    finally:
        browser.close()
    total = len(args.reports) * len(sizes)
    if args.expect_fail:
        # Every view must fail both for its overflow and for its console error.
        print(f"html-check: {bitten} of {total} broken page views caught (overflow and console error)")
        return 0 if bitten == total else 1
    print(f"html-check: {total - failed} of {total} page views passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
