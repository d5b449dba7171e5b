"""The rendering tools of the render tests: headless Chromium driven over the DevTools protocol
(one browser per test module), LibreOffice headless (XLSX to PDF) and poppler (PDF to text, word
boxes and PNG). Nothing here contacts an address outside 127.0.0.1: Chromium runs with every
background service off, a fresh profile and the DevTools port on 127.0.0.1 only.

The tools are Debian packages (`make render-tools` installs them); without them a render test
fails under CI=true and is skipped elsewhere, with one line saying how to install them.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUMS = ("chromium-headless-shell", "chromium", "chromium-browser")
PACKAGES = "chromium-headless-shell libreoffice-calc-nogui poppler-utils"
HOW = (f"render tools missing: run `make render-tools` (as root) or `apt-get install -y "
       f"--no-install-recommends {PACKAGES}`")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-extensions",
                  "--disable-default-apps", "--no-default-browser-check",
                  "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
                  "--remote-debugging-port=0")


def tool(*names: str) -> str:
    """The path of the first of `names` on PATH; else fail (CI=true) or skip, saying HOW."""
    for name in names:
        if found := shutil.which(name):
            return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{' or '.join(names)}: {HOW}", pytrace=False)
    pytest.skip(f"{' or '.join(names)}: {HOW}")


def to_pdf(files: list[Path], folder: Path) -> list[Path]:
    """XLSX files to PDF with one LibreOffice process (a fresh profile, so runs never share one)."""
    soffice = tool("soffice", "libreoffice")
    profile = Path(tempfile.mkdtemp(prefix="lp-lo-"))
    try:
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
                        *map(str, files)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return [folder / (f.stem + ".pdf") for f in files]


def pdf_text(pdf: Path) -> str:
    """The PDF's text in content order (poppler's -raw) without any whitespace: a line wrapped
    in a cell (after a space or a hyphen) reads as it was written."""
    text = subprocess.run([tool("pdftotext"), "-raw", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return "".join(text.split())


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its box in points, from poppler's -bbox output."""
    html = subprocess.run([tool("pdftotext"), "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        elif match := re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                r'yMax="([\d.]+)">(.*)</word>', line):
            x0, y0, x1, y1 = map(float, match.groups()[:4])
            words.append(Word(page, match.group(5), x0, y0, x1, y1))
    return words


def overlapping_words(words: list[Word], shrink: float = 0.25) -> list[tuple[Word, Word]]:
    """Pairs of words drawn over each other on a page. A word's box is its font's full height, so
    it is first shrunk by `shrink` of its height at the top and bottom: two lines of one cell
    touch, a line drawn over another (a clipped cell spilling into the next row) intersects."""
    found = []
    for _, group in itertools.groupby(sorted(words, key=lambda w: (w.page, w.y0)),
                                      key=lambda w: w.page):
        boxes = [(w, w.y0 + shrink * (w.y1 - w.y0), w.y1 - shrink * (w.y1 - w.y0))
                 for w in group]
        for i, (a, _top_a, bottom_a) in enumerate(boxes):
            for b, top_b, _bottom_b in boxes[i + 1:]:
                if top_b >= bottom_a:
                    break
                if a.x0 < b.x1 and b.x0 < a.x1:
                    found.append((a, b))
    return found


def to_png(pdf: Path, folder: Path, dpi: int = 40) -> Path:
    """The PDF's first page as PNG (poppler's pdftoppm)."""
    subprocess.run([tool("pdftoppm"), "-png", "-r", str(dpi), "-f", "1", "-l", "1",
                    "-singlefile", str(pdf), str(folder / pdf.stem)], check=True,
                   capture_output=True, timeout=60)
    return folder / f"{pdf.stem}.png"


class Browser:
    """One headless Chromium and one page in it, driven over the DevTools protocol."""

    def __init__(self) -> None:
        from websockets.sync.client import connect

        self.profile = Path(tempfile.mkdtemp(prefix="lp-chromium-"))
        # its own process group: Debian's chromium-headless-shell is a shell script that runs
        # the browser as its child, which outlived the script when only the script was stopped
        self.process = subprocess.Popen(
            [tool(*CHROMIUMS), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.socket, self._ids = None, itertools.count(1)
        try:
            port = self._port()
            targets = json.loads(_get(f"http://127.0.0.1:{port}/json/list"))
            page = next(t for t in targets if t["type"] == "page")
            self.socket = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=30)
            self.call("Page.enable")
        except BaseException:
            self.close()  # never leave a browser behind
            raise

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        for _ in range(300):  # the browser writes it once it listens (well under a second)
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port in 15 s")

    def call(self, method: str, **params: object) -> dict:
        """Send one command and return its result (events met on the way are dropped)."""
        ident = next(self._ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def open(self, path: Path, width: int = 1280, height: int = 900) -> None:
        """Show the file at `path` in a `width` x `height` window and wait until it has loaded."""
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        url = path.resolve().as_uri()
        self.call("Page.navigate", url=url)
        loaded = f"location.href === {json.dumps(url)} && document.readyState === 'complete'"
        for _ in range(1000):
            if self.evaluate(loaded):
                return
            time.sleep(0.02)
        raise RuntimeError(f"{url} did not load in 20 s")

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The viewport as PNG."""
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot",
                                                    format="png")["data"]))
        return path

    def close(self) -> None:
        """Stop the browser and every process it started (its process group), then wait."""
        if self.socket is not None:
            self.socket.close()
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for _ in range(200):  # the browser itself, once its script is gone (within 10 s)
            if not _group_alive(self.process.pid):
                break
            time.sleep(0.05)
        _signal_group(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.profile, ignore_errors=True)


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _get(url: str) -> str:
    import httpx

    return httpx.get(url, timeout=10, trust_env=False).text
