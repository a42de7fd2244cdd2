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


def _command_lines(text: str) -> list[str]:
    """The ``vaeaug SUBCOMMAND ...`` calls in a text: shell lines, comments and ``&&`` chains split off."""
    calls = []
    for line in text.splitlines():
        for part in line.split("#", 1)[0].rstrip().rstrip("\\").split("&&"):
            part = part.strip()
            if "-m vaeaug.cli " in part:
                part = "vaeaug " + part.split("-m vaeaug.cli ", 1)[1]
            if re.match(r"vaeaug (train|augment|experiment|info|datasets)\b", part):
                calls.append(part)
    return calls


def test_every_command_line_the_readme_and_the_help_show_parses():
    """The README's command lines and each sub-command's --help examples use options that exist: a
    renamed option would otherwise leave them telling users to type what fails."""
    import shlex

    from vaeaug.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and "train" in a.choices).choices
    calls = [c for block in re.findall(r"```bash\n(.*?)```", README, re.DOTALL) for c in _command_lines(block)]
    helps = [c for sub in subparsers.values() for c in _command_lines(sub.epilog or "")]
    assert len(calls) >= 10 and len(helps) >= 10
    for call in calls + helps:
        parser.parse_args(shlex.split(call)[1:])  # an unknown option or value exits, failing the test
