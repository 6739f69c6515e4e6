"""Front-end libraries (Cytoscape.js, Chart.js) installed from the npm registry at build time.

``package.json``/``package-lock.json`` pin them; :func:`install_vendor` runs ``npm ci`` and copies
the browser bundles into ``static/vendor/`` (git-ignored). Pages work without them: the network
and the timeline fall back to tables.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

WEB_DIR = Path(__file__).parent
VENDOR_DIR = WEB_DIR / "static" / "vendor"
BUNDLES = {
    "cytoscape.min.js": Path("cytoscape/dist/cytoscape.min.js"),
    "chart.umd.min.js": Path("chart.js/dist/chart.umd.min.js"),
}


class AssetError(RuntimeError):
    """npm is missing or failed; the message says what to do."""


def vendor_present() -> bool:
    return all((VENDOR_DIR / name).is_file() for name in BUNDLES)


def install_vendor(npm: str = "npm", timeout: float = 300.0) -> list[Path]:
    """``npm ci`` the pinned libraries and copy their bundles to ``static/vendor``."""
    if shutil.which(npm) is None:
        raise AssetError(f"{npm} not found: install Node.js/npm, or run without vendor JS")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=WEB_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise AssetError(f"npm ci failed in {WEB_DIR}: {last}")
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    copied = []
    for name, source in BUNDLES.items():
        target = VENDOR_DIR / name
        shutil.copyfile(WEB_DIR / "node_modules" / source, target)
        copied.append(target)
    return copied
