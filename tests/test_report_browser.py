"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``, which ``.ci/run``
installs) loads it, every figure decodes to a non-zero natural size, and the main table is there."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: CI installs chromium and sets this, so that there the check runs instead of skipping.
REQUIRED = os.environ.get("VAEAUG_REQUIRE_CHROMIUM") == "1"

PROBE = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight]);
  const table = [...document.querySelectorAll("table")].some(t => /baseline/.test(t.textContent));
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({imgs, table});
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.skipif(CHROMIUM is None and not REQUIRED,
                    reason="no chromium on this machine (apt-get install chromium; .ci/run installs it)")
def test_every_figure_of_the_report_loads_in_chromium(tmp_path, digits):
    assert CHROMIUM, "VAEAUG_REQUIRE_CHROMIUM=1 but no chromium is installed"
    from vaeaug.data import Dataset
    from vaeaug.experiment import ExperimentConfig, run_experiment

    X, y = digits
    X = (X.reshape(-1, 8, 8) * 255 / 16).round().astype("uint8")
    idx = list(range(300))
    ds = Dataset(name="digits", X=X[:500], y=y[:500], kind="image",
                 split={"train": idx[:200], "val": idx[200:300], "test": list(range(300, 500))})
    run_experiment(ds, ExperimentConfig(seeds=(0,), amounts=(1,), augmenter_params={"epochs": 2, "verbose": 0}),
                   out_dir=tmp_path / "run", verbose=0)
    page = (tmp_path / "run" / "report.html").read_text()
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"))
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000"]
    dom = subprocess.run([*args, "--dump-dom", probed.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, flags=re.S)
    assert found, "the page did not finish loading in chromium"
    result = json.loads(html.unescape(found.group(1)))
    assert result["table"] and len(result["imgs"]) >= 5
    assert all(done and w > 0 and h > 0 for done, w, h in result["imgs"]), result["imgs"]
    shot = tmp_path / "report.png"
    subprocess.run([*args, "--window-size=1280,2400", f"--screenshot={shot}", (tmp_path / "run" / "report.html").as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10000
