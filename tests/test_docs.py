"""The README is a user's guide that works as written, and the evidence cannot drift from the tables."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_readme_is_short_and_its_links_exist():
    assert len(README.splitlines()) <= 150
    for path in re.findall(r"`((?:docs|benchmarks)/[\w./-]+\.md)`", README) + re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (ROOT / path).exists(), path


def test_the_evidence_page_is_generated_from_the_results():
    spec = importlib.util.spec_from_file_location("evidence", ROOT / "benchmarks" / "evidence.py")
    evidence = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evidence)
    assert (ROOT / "docs" / "evidence.md").read_text() == evidence.build(), "run python benchmarks/evidence.py"


def test_the_quick_start_runs_as_written(capsys):
    block = README.split("## Python: make samples, and see that they help", 1)[1]
    code = block.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("chose ") and re.fullmatch(r"0\.\d{3} -> 0\.\d{3}", out[1])
    stated = re.search(r"# here: (0\.\d{3} -> 0\.\d{3})", code).group(1)
    assert out[1] == stated, f"the README says {stated}, the code gives {out[1]}: update the comment"
