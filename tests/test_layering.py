"""The core package stays below the experiment: fitting, generating, saving and the CLI's
train / augment never import the experiment's code or its extra's libraries."""

import subprocess
import sys
import textwrap

import pytest

CORE_RUN = textwrap.dedent("""
    import sys, warnings
    import numpy as np
    import vaeaug, vaeaug.cli, vaeaug.data
    from vaeaug import VAEAugmenter
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 5)).astype(np.float32), np.repeat([0, 1, 2], 20)
    aug = VAEAugmenter(epochs=2, hidden_sizes=(8,), latent_dim=2, verbose=0, random_state=0).fit(X, y)
    aug.generate(X, y, strength=0.5)
    loaded = sorted(m for m in sys.modules
                    if m.startswith(("vaeaug.experiment", "matplotlib", "imblearn")))
    print(",".join(loaded))
""")


def test_fitting_and_generating_import_nothing_of_the_experiment():
    out = subprocess.run([sys.executable, "-c", CORE_RUN], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_importing_vaeaug_prints_nothing():
    out = subprocess.run([sys.executable, "-c", "import vaeaug, vaeaug.cli"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout == "" and out.stderr == ""


def test_the_lazily_imported_sampler_is_offered_by_dir_without_importing_it():
    """``VAESampler`` is imported on first use (it needs imbalanced-learn); tab completion reads
    ``dir(vaeaug)``, which did not list it."""
    code = "import sys, vaeaug; print('VAESampler' in dir(vaeaug), 'vaeaug.sampler' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_the_wheel_holds_every_module_the_embedded_data_and_the_typing_marker(tmp_path):
    """A pip install from the wheel (not the editable one the README uses) must run the first command
    offline (the embedded UJI v1) and give type checkers vaeaug's hints (py.typed, PEP 561: without
    it mypy said 'module is installed, but missing library stubs or py.typed marker')."""
    import shutil
    import zipfile
    from pathlib import Path

    root, tree = Path(__file__).resolve().parents[1], tmp_path / "tree"  # a copy: no build/ left, none reused
    shutil.copytree(root / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(root / name, tree / name)
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(tree),
                          "-w", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("vaeaug-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    src = root / "src"
    modules = {p.relative_to(src).as_posix() for p in (src / "vaeaug").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules <= names, sorted(modules - names)
    assert {"vaeaug/py.typed", "vaeaug/data/embedded/ujipen-v1.tar.xz", "vaeaug/data/embedded/README.md"} <= names


def test_the_oldest_releases_ci_installs_are_the_floors_pyproject_declares():
    """`.ci/oldest.txt` pins a release of each declared floor, and .ci/run tests the library on them:
    imbalanced-learn 0.12 (under scikit-learn 1.6), torch 2.1, numpy 1.24 and pandas 1.5 were all
    admitted, and each broke fit, an import or a model's load, until 2026-12-08."""
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib", reason="Python 3.11's TOML reader")
    from packaging.requirements import Requirement
    from packaging.version import Version

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    declared = [Requirement(r) for r in [*project["dependencies"], *extras["experiment"], *extras["timeseries"],
                                         *extras["test"]]]
    floors = {r.name.lower(): Version(s.version) for r in declared for s in r.specifier if s.operator == ">="}
    pins = {}
    for line in (root / ".ci" / "oldest.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = Version(version)
    by_hand = {"torch", "aeon", "setuptools"}  # as .ci/oldest.txt says why
    assert set(pins) == set(floors) - by_hand
    for name, pin in pins.items():
        floor = floors[name]
        assert pin >= floor and pin.release[:len(floor.release)] == floor.release, (name, pin, floor)


def test_show_versions_gives_each_requirements_release_and_marks_an_extra_that_fails(monkeypatch, capsys):
    """For a bug report, as scikit-learn's show_versions: an extra installed but failing to import
    (imbalanced-learn 0.12 under scikit-learn 1.6) is marked, not listed as fine."""
    from importlib.metadata import version

    import vaeaug
    from vaeaug.versions import REQUIRED, versions

    found = versions()
    assert found["system"]["vaeaug"] == vaeaug.__version__
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11's TOML reader")
    from pathlib import Path

    from packaging.requirements import Requirement

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    assert set(REQUIRED) == {Requirement(r).name for r in project["dependencies"]}  # the list keeps up
    assert all(found["dependencies"][d] == version(d) for d in REQUIRED)
    assert found["dependencies"]["imbalanced-learn"] == version("imbalanced-learn")
    monkeypatch.setitem(sys.modules, "imblearn", None)  # imports fail from here on, as a stale release's do
    marked = versions()["dependencies"]["imbalanced-learn"]
    assert marked.startswith(f"{version('imbalanced-learn')} (does not import: ModuleNotFoundError")
    vaeaug.show_versions()
    lines = capsys.readouterr().out.splitlines()
    assert f"scikit-learn: {version('scikit-learn')}" in [line.strip() for line in lines]
    assert any(line.strip().startswith("imbalanced-learn: ") and "does not import" in line for line in lines)
