"""UJI Pen Characters: the real v1 files, a v2 fixture in its format, rendering, malformed input."""

import numpy as np
import pytest

from vaeaug.data import DataFormatError, load_ujipen_v1, load_ujipen_v2, render
from vaeaug.data.ujipen import parse_v1, parse_v2, v2_paper_split

from .conftest import shared_data


@pytest.fixture(scope="module")
def v1():
    return load_ujipen_v1(shared_data("ujipen-v1"), size=40)


def test_real_v1_counts_writers_labels_and_split(v1):
    assert len(v1) == 1364
    assert len(np.unique(v1.groups)) == 11
    assert len(v1.classes) == 62
    assert {k: len(v) for k, v in v1.split.items()} == {"train": 868, "val": 124, "test": 372}
    tr, va, te = v1.train_val_test()
    assert not set(tr.groups) & set(te.groups) and not set(tr.groups) & set(va.groups)
    assert set(te.groups) == {"W09", "W10", "W11"}
    # every writer wrote every label twice
    _, counts = np.unique(tr.y, return_counts=True)
    assert (counts == 14).all()
    assert len(v1.extras["strokes"]) == 1364


def test_v1_case_folded_grouping():
    d = load_ujipen_v1(shared_data("ujipen-v1"), size=16, classes="35")
    assert len(d.classes) == 35
    assert set(d.y[np.isin(d.y, ["O"])]) == {"O"} and "0" not in set(d.y) and "a" not in set(d.y)


def test_renderer_puts_ink_inside_the_frame_for_every_sample(v1):
    X = v1.X
    assert X.dtype == np.uint8 and X.shape[1:] == (40, 40)
    assert ((X > 0).sum(axis=(1, 2)) > 10).all(), "every character has ink"
    border = np.concatenate([X[:, 0, :], X[:, -1, :], X[:, :, 0], X[:, :, -1]], axis=1)
    assert border.max() == 0, "no stroke is clipped by the frame"


def test_render_keeps_aspect_and_centres():
    tall = [np.array([[0.0, 0.0], [0.0, 100.0]])]
    img = render(tall, size=30, pen_width=1.0)
    cols = np.flatnonzero(img.sum(axis=0))
    rows = np.flatnonzero(img.sum(axis=1))
    assert rows.max() - rows.min() > 20  # the long side fills the frame
    assert cols.max() - cols.min() <= 3  # the short side is not stretched
    assert abs((cols.min() + cols.max()) / 2 - 14.5) <= 1.0  # centred
    dot = render([np.array([[5.0, 5.0]])], size=20)
    assert dot.max() > 0


V2_TEXT = """// UJI Pen Characters v2 fixture
// ASCII char: a
WORD a trn_UJI_W01-01
  NUMSTROKES 1
  POINTS 3 # 557 844 550 803 505 803
WORD a trn_UJI_W01-02
  NUMSTROKES 2
  POINTS 2 # 10 10 20 20
  POINTS 1 # 15 30

// ASCII char: B
WORD B tst_UPV_W42-01
  NUMSTROKES 1
  POINTS 4 # 0 0 0 50 25 40 0 25
"""


def test_v2_fixture_parses_to_the_expected_samples(tmp_path):
    s = parse_v2(V2_TEXT)
    assert [x.label for x in s] == ["a", "a", "B"]
    assert [x.writer for x in s] == ["trn_UJI_W01", "trn_UJI_W01", "tst_UPV_W42"]
    assert [len(x.strokes) for x in s] == [1, 2, 1]
    np.testing.assert_array_equal(s[0].strokes[0], [[557, 844], [550, 803], [505, 803]])
    assert s[1].strokes[1].shape == (1, 2)
    f = tmp_path / "ujipenchars2.txt"
    f.write_text(V2_TEXT)
    d = load_ujipen_v2(f, size=24)
    assert d.X.shape == (3, 24, 24) and d.split is None and (d.X.max(axis=(1, 2)) > 0).all()


def test_v2_zip_and_paper_split(tmp_path):
    import zipfile

    # 60 writers × 2 labels × 2 sessions, in the v2 format, zipped like the UCI archive
    lines = []
    writers = [f"trn_UJI_W{i:02d}" for i in range(1, 41)] + [f"tst_UPV_W{i:02d}" for i in range(41, 61)]
    for w in writers:
        for lab in ("a", "b"):
            for rep in (1, 2):
                lines += [f"WORD {lab} {w}-0{rep}", "NUMSTROKES 1", f"POINTS 2 # 0 0 {rep} 9"]
    z = tmp_path / "uji.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ujipenchars2.txt", "\n".join(lines))
    d = load_ujipen_v2(z, size=12)
    sizes = {k: len(v) for k, v in d.split.items()}
    assert sizes == {"train": 30 * 4, "val": 3 * 4, "test": 24 * 4}  # the paper's proportions
    parts = v2_paper_split(writers)
    assert not set(parts["train"]) & set(parts["test"])


@pytest.mark.parametrize("text, line, what", [
    ("WORD a trn_UJI_W01-01\n  NUMSTROKES 2\n  POINTS 1 # 1 2\n", 3, "truncated"),
    ("WORD a trn_UJI_W01-01\n  NUMSTROKES 1\n  POINTS 3 # 1 2 3 4\n", 3, "3 points but 4 numbers"),
    ("WORD a trn_UJI_W01-01\n  NUMSTROKES x\n", 2, "whole number"),
    ("WORD a trn_UJI_W01-01\n  NUMSTROKES 1\n  POINTS 2 # 1 2 three 4\n", 3, "non-numeric"),
    ("// only a comment\nHELLO\n", 2, "expected 'WORD"),
])
def test_malformed_v2_names_the_line(text, line, what):
    with pytest.raises(DataFormatError, match=what) as e:
        parse_v2(text, path="f.txt")
    assert e.value.line == line and f"line {line}" in str(e.value)


@pytest.mark.parametrize("text, line, what", [
    ('.SEGMENT CHARACTER 0 ? "a"\n.PEN_DOWN\n 1 2\n 3 4\n', 4, "truncated"),
    ('.SEGMENT CHARACTER 0 ? "a"\n.PEN_DOWN\n 1 x\n.PEN_UP\n', 3, "non-numeric"),
    ('.SEGMENT CHARACTER 0 ? "a"\n 1 2\n', 2, "outside"),
    ('.SEGMENT CHARACTER 0 ? "a"\n.PEN_UP\n', 2, "without .PEN_DOWN"),
    ('.SEGMENT CHARACTER 0 ? "a"\n.PEN_DOWN\n 1 2 3\n.PEN_UP\n', 3, "two coordinates"),
])
def test_malformed_v1_names_the_line(text, line, what):
    with pytest.raises(DataFormatError, match=what) as e:
        parse_v1(text, writer="W01", path="w01")
    assert e.value.line == line


def test_truncated_real_v1_file(tmp_path):
    src = shared_data("ujipen-v1")
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    data = (tmp_path / "UJIpenchars-w05").read_bytes()
    (tmp_path / "UJIpenchars-w05").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="UJIpenchars-w05, line"):
        load_ujipen_v1(tmp_path, size=16)
    (tmp_path / "UJIpenchars-w05").write_bytes(data)
    (tmp_path / "UJIpenchars-w07").unlink()
    with pytest.raises(FileNotFoundError, match="w07"):
        load_ujipen_v1(tmp_path, size=16)


def test_the_embedded_copy_is_the_published_data_and_loads_offline(monkeypatch):
    import vaeaug.data.ujipen as ujipen

    def no_network(*a, **k):
        raise AssertionError("the embedded copy must not download")

    monkeypatch.setattr(ujipen, "fetch", no_network)
    embedded = load_ujipen_v1(size=16)
    local = load_ujipen_v1(shared_data("ujipen-v1"), size=16)
    assert (embedded.X == local.X).all() and (embedded.y == local.y).all()
    assert embedded.meta["licence"] == "CC BY 4.0" and "Llorens" in embedded.meta["citation"]
    assert (ujipen.EMBEDDED_V1.parent / "README.md").is_file()
