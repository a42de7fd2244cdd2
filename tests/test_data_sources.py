"""Tables, image folders, .npz, the embedded default and the downloader (against a local server)."""

import functools
import hashlib
import http.server
import threading
import warnings

import numpy as np
import pytest

from vaeaug.data import (
    DataFormatError, DownloadError, load_csv, load_digits_dataset, load_image_folder, load_npz_dataset,
    load_path, write_csv,
)
from vaeaug.data.download import fetch

from .conftest import shared_data, warned_here


@pytest.mark.parametrize("name, n, d, k", [("optdigits", 5620, 64, 10), ("pendigits", 10992, 16, 10), ("wdbc", 569, 30, 2)])
def test_openml_csvs_load_with_the_right_shapes_and_classes(name, n, d, k):
    ds = load_csv(shared_data("openml", f"{name}.csv"))
    assert ds.X.shape == (n, d) and len(ds.classes) == k and ds.kind == "vector"
    assert np.isfinite(ds.X).all()


def test_csv_categorical_missing_and_round_trip(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("age,colour,weight,diagnosis\n30,red,70.5,sick\n41,blue,?,well\n,red,80.0,well\n52,green,60.25,sick\n")
    with pytest.warns(UserWarning, match="weight: 1"):
        ds = load_csv(f, label="diagnosis")
    assert ds.encoder.report_ == {"age": 1, "weight": 1}
    assert ds.encoder.feature_names == ["age", "colour=blue", "colour=green", "colour=red", "weight"]
    assert ds.X.shape == (4, 5) and ds.X[2, 0] == 41.0  # median of 30, 41, 52
    rows = ds.encoder.inverse_transform(ds.X)
    assert rows[0] == [30, "red", 70.5] and rows[1][1] == "blue"
    # synthetic (fuzzy) rows decode to valid categories and in-range integers
    noisy = ds.X + np.random.default_rng(0).normal(0, 0.4, ds.X.shape)
    for r in ds.encoder.inverse_transform(noisy):
        assert r[1] in {"red", "blue", "green"} and isinstance(r[0], int) and 30 <= r[0] <= 52
    out = tmp_path / "o.csv"
    write_csv(out, ds.encoder, ds.X, ds.y, label="diagnosis")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = load_csv(out, label="diagnosis")
    np.testing.assert_allclose(again.X, ds.X)


def test_csv_errors_are_clear(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("a,b,y\n1,2,x\n3,4,z\n")
    with pytest.raises(ValueError, match="no column 'label'.*\\['a', 'b', 'y'\\]"):
        load_csv(f, label="label")
    rows = "".join(f"{i},{i * 2},c{i % 2}\n" for i in range(40))
    f.write_text("a,b,y\n" + rows + "41,8O,c1\n")
    with pytest.raises(DataFormatError, match=r"line 42: non-numeric cell '8O' in numeric column 'b'"):
        load_csv(f)
    f.write_text("a,b,y\n1,,x\n")
    with pytest.raises(DataFormatError, match="line 2: missing value in column 'b'"):
        load_csv(f, missing="raise")
    f.write_text("a,b,y\n1,2,\n")
    with pytest.raises(DataFormatError, match="missing label"):
        load_csv(f)
    f.write_text("a,b,y\n1,2,x\n1,2\n")
    with pytest.raises(DataFormatError, match="line 3: row has 2 cells"):
        load_csv(f)
    # lines are the file's own, counted past blank lines and a cell that spans two: they were the row's index + 2
    f.write_text('a,b,y\n1,2,x\n\n\n3,4,"z\nw"\n' + rows + "\n41,8O,c1\n5,6,c0\n")
    with pytest.raises(DataFormatError, match=r"line 48: non-numeric cell '8O' in numeric column 'b'"):
        load_csv(f)
    f.write_text('a,b,y\n1,2,x\n\n\n3,4,"z\nw"\n' + rows + "\n41,8,c1\n5,6,\n")
    with pytest.raises(DataFormatError, match="line 49: missing label"):
        load_csv(f)
    f.write_text("")
    with pytest.raises(DataFormatError, match="empty"):
        load_csv(f)
    f.write_text("a,b,y\r\n1,2,x\u2028w\r\n3,4,z\x0cv\r\n")  # U+2028 or a form feed in a cell ends no line
    assert load_csv(f).y.tolist() == ["x\u2028w", "z\x0cv"]
    for text in ("a,b,y,,\n1,2,x,,\n3,4,z,,\n5,6,x,,\n", "1,2,x,\n3,4,z,\n5,6,x,\n"):  # lines end in separators
        f.write_text(text)
        with pytest.warns(UserWarning, match="column\\(s\\) have no name and no values") as record:
            ds = load_csv(f)
        assert ds.y.tolist() == ["x", "z", "x"]  # it was refused: "column '' has no values at all"
        assert warned_here(record, "no name and no values")
    f.write_text("a,a,y\n1,100,x\n2,200,z\n")  # found by name, the second 'a' was read as the first
    with pytest.raises(DataFormatError, match=r"line 1: column name\(s\) \['a'\] repeat"):
        load_csv(f)
    # UCI's wine.data: the class first, no header, a count last: the last column is no label
    f.write_text("".join(f"{i % 3 + 1},{i * 0.37:.2f},{1000 + 7 * i}\n" for i in range(60)))
    with pytest.raises(DataFormatError, match=r"last column, '2', by default.*60 values in 60 rows.*"
                                              r"--label COLUMN.*column '0' holds 3 values"):
        load_csv(f)
    assert load_csv(f, label="0").y.tolist()[:4] == [1, 2, 3, 1]  # named, it is read


def test_csv_separated_by_semicolons_tabs_or_bars_and_decimal_commas(tmp_path):
    f = tmp_path / "t.csv"
    want = np.array([[1.5, 2.0], [3.0, -4.25], [5.0, 6.0]])
    for text in ("a;b;class\n1,5;2;x\n3;-4,25;y\n5;6;x\n", "a\tb\tclass\n1.5\t2\tx\n3\t-4.25\ty\n5\t6\tx\n",
                 "a|b|class\n1,5|2|x\n3|-4,25|y\n5|6|x\n"):
        f.write_text(text)
        ds = load_csv(f)
        np.testing.assert_array_equal(ds.X, want)
        assert ds.y.tolist() == ["x", "y", "x"] and ds.meta["features"] == ["a", "b"]
    f.write_text('a,b,class\n1,2,"x; y"\n3,4,y\n5,6,"x; y"\n')  # commas separate: a ';' in a cell stays
    assert load_csv(f).y.tolist() == ["x; y", "y", "x; y"]
    for encoding in ("utf-16", "utf-16-be", "utf-8-sig", "latin-1"):  # Excel's "Unicode Text" is UTF-16
        text = "a\tb\tclass\n1.5\t2\tx\n3\t-4.25\ty\n5\t6\tÄ\n"
        f.write_bytes(("\ufeff" if encoding == "utf-16-be" else "").encode(encoding) + text.encode(encoding))
        np.testing.assert_array_equal(load_csv(f).X, want)  # UTF-16 read as Latin-1 had no feature columns
        assert load_csv(f).y.tolist() == ["x", "y", "Ä"]
    # numbers a spreadsheet grouped in thousands were read as text, each its own category
    rows = [("1,234.5", "0.5", "x"), ("-12,345,678", "1", "y"), ("999", "2", "x")] * 8
    f.write_text("amount,b,class\n" + "".join(f'"{a}",{b},{c}\n' for a, b, c in rows))
    np.testing.assert_array_equal(load_csv(f).X[:3, 0], [1234.5, -12345678, 999])
    f.write_text("amount;b;class\n" + "".join(f"{a};{b};{c}\n" for a, b, c in
                                              [("1.234,5", "0,5", "x"), ("12.345.678,25", "1", "y"), ("1.5", "2", "x")]))
    np.testing.assert_array_equal(load_csv(f).X[:, 0], [1234.5, 12345678.25, 1.5])  # a point alone is decimal


def test_a_csv_without_a_header_keeps_its_first_row(tmp_path):
    """UCI's files have no header: a first row of numbers and values its columns hold is data,
    and the columns are named by place; names, label names and pandas' 0, 1, ... are headers."""
    f = tmp_path / "iris.data"
    rows = "5.1,3.5,red,Iris-setosa\n4.9,3.0,blue,Iris-setosa\n6.3,3.3,red,Iris-virginica\n5.8,2.7,blue,Iris-virginica\n"
    f.write_text(rows)
    ds = load_csv(f)
    assert ds.X.shape == (4, 4) and ds.meta["header"] is False and ds.meta["features"] == ["0", "1", "2"]
    assert ds.meta["label"] == "3" and ds.y.tolist()[0] == "Iris-setosa" and ds.X[0, 0] == 5.1
    assert load_csv(f, header=True).X.shape == (3, 4)  # told: the first row names the columns
    with pytest.raises(ValueError, match="first row was read as data.*0 to 3"):
        load_csv(f, label="species")
    for first in ("a,b,colour,species", "400,410,colour,variety", "0,1,2,3", "1.5,2.5,red,class"):
        f.write_text(first + "\n" + rows)  # names; numeric names over a named label; positional; a label name
        assert load_csv(f).meta["header"] is True and len(load_csv(f).y) == 4
    f.write_text("1,5.1,3.5\n0,4.9,3.0\n1,6.3,3.3\n")  # the label first (wine.data): named by place
    ds = load_csv(f, label="0")
    assert ds.y.tolist() == [1, 0, 1] and ds.meta["features"] == ["1", "2"]
    out = tmp_path / "o.csv"
    write_csv(out, ds.encoder, ds.X, ds.y, label="0", header=False)  # written as it was read
    assert out.read_text() == "1,5.1,3.5\n0,4.9,3.0\n1,6.3,3.3\n"


def test_a_uci_table_of_names_and_spaces_is_read_as_uci_writes_it(tmp_path):
    """UCI's yeast.data: columns apart by runs of spaces, a protein name first, no header. It was
    refused by suffix; read as .csv, its first row became a header (a name is in no row below) and
    the names a 200-column one-hot block. Now: spaces separate, names are left out, said so."""
    from vaeaug.data import load_path

    rng = np.random.default_rng(0)
    lines = [f"P{i:04d}_YEAST  " + "  ".join(f"{v:.2f}" for v in rng.random(3)) + "  " + ["MIT", "CYT"][i % 2]
             for i in range(40)]
    f = tmp_path / "yeast.data"
    f.write_text("\n".join(lines) + "\n")
    with pytest.warns(UserWarning, match=r"column\(s\) \['0'\] name their rows"):
        ds = load_path(f)
    assert ds.meta["header"] is False and ds.meta["features"] == ["1", "2", "3"] and ds.X.shape == (40, 3)
    assert ds.meta["label"] == "4" and ds.y[:2].tolist() == ["MIT", "CYT"] and ds.X[0, 0] == float(lines[0].split()[1])
    assert load_csv(f, categorical=["0"]).X.shape == (40, 43)  # named a category: kept as one
    f.write_text("name mcg gvh alm site\n" + "\n".join(lines) + "\n")  # a header over the names: still one
    with pytest.warns(UserWarning, match=r"\['name'\] name their rows"):
        assert load_csv(f).meta["features"] == ["mcg", "gvh", "alm"]
    dated = tmp_path / "d.tsv"  # distinct dates measure, and a few rows are too few to call names names
    dated.write_text("when\tx\tclass\n" + "".join(f"2026-01-{d:02d}\t{d}\t{d % 2}\n" for d in range(1, 29)))
    assert load_path(dated).meta["features"] == ["when", "x"]
    amounts = tmp_path / "pct.csv"  # amounts with a unit are no names: kept (as categories, as before)
    amounts.write_text("share,x,class\n" + "".join(f"{d}.5 %,{d},{d % 2}\n" for d in range(30)))
    assert load_path(amounts).meta["features"] == ["share", "x"]
    few = tmp_path / "few.txt"
    few.write_text("a,1,x\nb,2,y\nc,3,x\n")
    assert load_path(few).meta["features"] == ["0", "1"]
    from vaeaug.data.textfiles import separator_for

    assert separator_for("new.tsv") == "\t" and separator_for("new.data") == ","


def test_label_codes_with_leading_zeros_stay_as_written(tmp_path):
    """Class codes "01", "02" were read as integers: written back as "1", "2", and "01" beside "1"
    merged into one class."""
    f = tmp_path / "codes.csv"
    f.write_text("a,class\n" + "".join(f"{i},{c}\n" for i, c in enumerate(["01", "1", "10", "02"] * 3)))
    ds = load_csv(f)
    assert sorted(set(ds.y.tolist())) == ["01", "02", "1", "10"]
    out = tmp_path / "o.csv"
    write_csv(out, ds.encoder, ds.X, ds.y, label="class")
    assert out.read_text() == f.read_text()
    f.write_text("a,class\n1,0\n2,1\n3,-2\n")  # whole numbers as such: integers, as before
    assert load_csv(f).y.tolist() == [0, 1, -2]


def test_dates_in_a_local_form_are_said_to_be_read_as_categories(tmp_path):
    """"03/29/2026" is month or day first by locale: read as a category a date, each its own
    one-hot column, without a word; now said, with the ISO form that is read as dates."""
    f = tmp_path / "d.csv"
    f.write_text("when,x,class\n03/29/2026,1,a\n03/30/2026,2,b\n29.03.26 08:00,3,a\n")
    with pytest.warns(UserWarning, match=r"column 'when' holds dates in a local form .* read as 3 categories.*"
                                         r"ISO form \(2026-03-29\)"):
        load_csv(f)
    f.write_text("when,x,class\n2026-03-29,1,a\n2026-03-30,2,b\n2026-04-01,3,a\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_csv(f).encoder.times_[0] is not None  # the ISO form: dates


def test_a_compressed_table_is_read_and_written_compressed(tmp_path):
    """``table.csv.gz`` (bz2, xz), as pandas reads it, was refused by its suffix."""
    import bz2
    import gzip
    import lzma

    text = "a,b,class\n1.5,2,x\n3,4,y\n5,6,x\n"
    for suffix, pack, unpack in ((".gz", gzip.compress, gzip.decompress), (".bz2", bz2.compress, bz2.decompress),
                                 (".xz", lzma.compress, lzma.decompress)):
        f = tmp_path / f"table.tsv{suffix}"
        f.write_bytes(pack(text.replace(",", "\t").encode()))
        ds = load_path(f)
        assert ds.name == "table" and ds.X.tolist() == [[1.5, 2], [3, 4], [5, 6]] and ds.meta["features"] == ["a", "b"]
        out = tmp_path / f"new.csv{suffix}"
        write_csv(out, ds.encoder, ds.X, ds.y, label="class")
        assert unpack(out.read_bytes()).decode().startswith("a,b,class\n1.5,2,x\n")  # compressed as named, commas
        assert load_csv(out).X.tolist() == ds.X.tolist()
    (tmp_path / "bad.csv.gz").write_bytes(b"\x1f\x8b" + b"cut short")
    with pytest.raises(DataFormatError, match="bad.csv.gz: cannot decompress"):
        load_csv(tmp_path / "bad.csv.gz")


def test_comment_lines_before_a_table_are_passed_over(tmp_path):
    """A logger's notes above the table ("# units: mV") made the file's first row one cell wide,
    and every row was refused; lines are still counted from the file's first."""
    f = tmp_path / "log.dat"
    f.write_text("# sensor export v2\n# units: mV, s\na,b,class\n1,2,x\n3,4,y\n5,6,x\n")
    ds = load_csv(f)
    assert ds.meta["features"] == ["a", "b"] and ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    f.write_text("# export\n#a b class\n1 2 x\n3 4 y\n5 6 x\n")  # a header marked with '#': still the header
    assert load_csv(f).meta["features"] == ["a", "b"]
    f.write_text("# notes\na,b,class\n1,2,x\n3,4\n")
    with pytest.raises(DataFormatError, match="line 4: row has 2 cells"):
        load_csv(f)
    f.write_text("sep=;\na;b;class\n1,5;2;x\n3;4;y\n5;6;x\n")  # Excel's first line naming the separator
    assert load_csv(f).X.tolist() == [[1.5, 2], [3, 4], [5, 6]]


def test_the_row_index_pandas_writes_is_left_out_with_a_warning(tmp_path):
    """``df.to_csv(path)`` writes the index as a first column without a name: distinct whole
    numbers that would only number the rows. It is left out, said so; a named column, or one
    whose numbers repeat, is data."""
    import pandas as pd

    df = pd.DataFrame({"a": [0.5, 1.5, 2.5, 3.5], "b": [1, 2, 1, 2], "class": list("xyxy")})
    f = tmp_path / "t.csv"
    df.sample(frac=1, random_state=0).to_csv(f)  # shuffled: the index is not 0..n-1 in order
    with pytest.warns(UserWarning, match="first column has no name.*left out") as record:
        ds = load_csv(f)
    assert warned_here(record, "first column has no name")
    assert ds.meta["features"] == ["a", "b"] and ds.X.shape == (4, 2)
    for text in ("id,a,class\n7,0.5,x\n3,1.5,y\n", ",a,class\n1,0.5,x\n1,1.5,y\n"):
        f.write_text(text)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert load_csv(f).X.shape == (2, 2)


def test_a_csv_of_dates_and_times_is_read_as_counts_and_written_back_as_it_was(tmp_path):
    """ISO dates and times are numbers (days, minutes, ...), not one category per value: rows
    decode to the column's own form, moved values stay whole units, a missing one is imputed."""
    import json

    from vaeaug.data import TableEncoder

    f = tmp_path / "visits.csv"
    text = ("visit,taken,dose,class\n2020-01-05,2020-01-05T08:00:00.5,1.5,a\n2020-03-11,2020-03-11T14:30:00.0,2.0,b\n"
            "2021-12-30,2021-12-30T23:45:10.0,0.5,b\n")
    f.write_text(text)
    ds = load_csv(f)
    assert ds.encoder.feature_names == ["visit", "taken", "dose"] and ds.X[0, 0] == 18266  # days since 1970
    assert ds.encoder.times_[:2] == [["D", "D", " "], ["ms", "ms", "T"]]
    out = tmp_path / "o.csv"
    write_csv(out, TableEncoder.from_dict(json.loads(json.dumps(ds.encoder.to_dict()))), ds.X, ds.y)
    assert out.read_text() == text.replace("00.0,", "00.000,").replace("00.5,", "00.500,").replace("10.0,", "10.000,")
    moved = ds.encoder.inverse_transform(ds.X + [[0.4, 1e3 * 3600, 0]])  # under a day; an hour
    assert moved[0][:2] == ["2020-01-05", "2020-01-05T09:00:00.500"]
    f.write_text("2020-01-05,1.5,a\n2020-03-11,2.0,b\n,1.0,a\n")  # no header, a date missing
    with pytest.warns(UserWarning, match="0: 1"):
        ds = load_csv(f)
    assert ds.meta["header"] is False and ds.encoder.inverse_transform(ds.X)[2][0] == "2020-02-07"  # the median
    with pytest.raises(DataFormatError, match="'soon' is not a date or time"):
        ds.encoder.transform([["soon", "1"]], str(f))


def test_zoned_times_are_instants_and_written_back_in_their_zone(tmp_path):
    """ISO times with a zone ("Z", "+01:00"), as loggers and web services write them, were
    refused as a long CSV's --time and read as text in a table; across a change to summer time
    the wall clock runs back, so steps are ordered by instant."""
    from vaeaug.data import TableEncoder, load_long_csv

    f = tmp_path / "t.csv"
    f.write_text("when,utc,x,class\n" + "".join(f"2026-03-{1 + i:02d}T08:{i:02d}:00+01:00,2026-03-{1 + i:02d}T08:00:00Z,"
                                               f"{i},{i % 2}\n" for i in range(30)))
    ds = load_csv(f)
    assert ds.meta["features"] == ["when", "utc", "x"] and ds.encoder.times_[:2] == [["min", "s", "T", "+01:00"],
                                                                                 ["h", "s", "T", "Z"]]
    assert ds.X[0, 0] == np.datetime64("2026-03-01T07:00").astype("datetime64[m]").astype(np.int64)  # in UTC
    out = tmp_path / "o.csv"
    write_csv(out, TableEncoder.from_dict(ds.encoder.to_dict()), ds.X, ds.y, label="class")
    assert out.read_text() == f.read_text()  # each time in its own zone, as written
    f.write_text("when,x,class\n2026-03-29T01:30:00+01:00,1,0\n2026-03-29T03:10:00+02:00,2,1\n"
                 "2026-03-29T01:00:00,3,0\n")  # an instant beside a wall-clock time: not one time column
    assert load_csv(f).encoder.times_[0] is None
    log = tmp_path / "log.csv"  # 02:40+02:00 (00:40 UTC) comes before 01:50+01:00 (00:50 UTC)
    log.write_text("case,t,x,y,act\n" + "".join(f"c{c},{t},{v},{v},{a}\n" for c, a in ((0, "walk"), (1, "run"))
                                                for t, v in (("2026-03-29T01:50:00+01:00", 2),
                                                             ("2026-03-29T03:40:00+02:00", 3),
                                                             ("2026-03-29T02:40:00+02:00", 1))))
    with pytest.raises(DataFormatError, match=r"column 'y'; each case has one; column\(s\) \['act'\] hold one value"):
        load_long_csv(log, "case", time="t")  # a channel named y is no label
    seqs = load_long_csv(log, "case", time="t", label="act")
    assert seqs.X[0][:, 0].tolist() == [1, 2, 3] and seqs.y.tolist() == ["walk", "run"]


def test_table_encoder_round_trips_through_json(tmp_path):
    import json

    from vaeaug.data import TableEncoder

    f = tmp_path / "t.csv"
    f.write_text("a,c,k,y\n1.5,red,3,x\n2.5,blue,4,y\n,red,5,x\n")
    with pytest.warns(UserWarning, match="imputed") as record:
        ds = load_csv(f)
    assert warned_here(record, "imputed")
    f.write_text("a,c,k,y\n1.5,red,#N/A,x\n2.5,blue,4,y\n<NA>,red,5,x\n" + "7,red,6,y\n" * 20)  # Excel's, pandas'
    with pytest.warns(UserWarning, match="imputed.*a: 1, k: 1"):  # pandas reads them as missing: they were refused
        assert load_csv(f).encoder.kinds_ == ["numeric", "categorical", "numeric"]
    # "none" is a category, as in pandas (credit-g: no other parties, 91 % of a column): it was imputed away
    f.write_text("a,parties,y\n" + "".join(f"{i},{p},{i % 2}\n" for i, p in enumerate(["none"] * 8 + ["guarantor", "NA"])))
    with pytest.warns(UserWarning, match=r"imputed.*parties: 1$"):
        table = load_csv(f)
    assert table.encoder.categories_[1] == ["guarantor", "none"] and table.X[:8, 2].tolist() == [1.0] * 8
    again = TableEncoder.from_dict(json.loads(json.dumps(ds.encoder.to_dict())))
    rows = [["0.1", "blue", "4"], ["9", "green", "?"]]  # an unseen category, a missing cell
    with pytest.warns(UserWarning, match=r"column 'c' holds \['green'\] \(first at line 3\), categories") as record:
        np.testing.assert_array_equal(again.transform(rows), ds.encoder.transform(rows))
    assert warned_here(record, "not fitted on")
    X = np.array([[7.0, 0.2, 0.9, 3.4]])
    assert again.inverse_transform(X) == ds.encoder.inverse_transform(X) == [[2.5, "red", 3]]
    with pytest.raises(ValueError, match="lists disagree"):
        TableEncoder.from_dict({**ds.encoder.to_dict(), "kinds_": ["numeric"]})
    import pandas as pd  # a frame's categorical columns keep their categories and order through JSON

    frame = pd.DataFrame({"g": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "mid", "hi"], ordered=True)})
    state = json.loads(json.dumps(TableEncoder().fit_frame(frame).to_dict()))
    assert state["frame_dtypes"] == {"g": {"categories": ["lo", "mid", "hi"], "ordered": True}}
    assert TableEncoder.from_dict(state).inverse_frame(np.eye(2)).dtypes["g"] == frame.dtypes["g"]
    with pytest.raises(ValueError, match="frame columns disagree"):  # an edited file: categories twice
        TableEncoder.from_dict({**state, "frame_dtypes": {"g": {"categories": ["lo", "lo"], "ordered": True}}})


def test_image_folder_resizes_and_labels(tmp_path):
    from PIL import Image

    for label, sizes in {"cat": [(10, 12), (10, 12)], "dog": [(20, 24)]}.items():
        (tmp_path / label).mkdir()
        for i, (w, h) in enumerate(sizes):
            Image.fromarray(np.full((h, w), 40 * (i + 1), np.uint8)).save(tmp_path / label / f"{i}.png")
    ds = load_image_folder(tmp_path)
    assert ds.X.shape == (3, 12, 10) and ds.X.dtype == np.uint8  # the most common size
    assert ds.y.tolist() == ["cat", "cat", "dog"]
    Image.fromarray(np.full((12, 10), 90, np.uint8)).convert("P").save(tmp_path / "dog" / "grey.gif")
    assert load_image_folder(tmp_path).X.shape == (4, 12, 10)  # a grey palette GIF is grey
    Image.fromarray(np.zeros((12, 10, 3), np.uint8)).save(tmp_path / "dog" / "rgb.png")
    assert load_image_folder(tmp_path, size=8).X.shape == (5, 3, 8, 8)
    # a class's images at any depth (torchvision's ImageFolder reads them so); hidden files and
    # folders passed over: macOS's ._x.png and .DS_Store, Jupyter's .ipynb_checkpoints
    (tmp_path / "cat" / "batch2").mkdir()
    Image.fromarray(np.full((12, 10), 7, np.uint8)).save(tmp_path / "cat" / "batch2" / "0.png")
    for hidden in ("._0.png", ".DS_Store", ".ipynb_checkpoints/0.png"):
        (tmp_path / "cat" / hidden).parent.mkdir(exist_ok=True)
        (tmp_path / "cat" / hidden).write_bytes(b"no image")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    Image.fromarray(np.full((12, 10), 1, np.uint8)).save(tmp_path / ".ipynb_checkpoints" / "x.png")
    deep = load_image_folder(tmp_path)
    assert deep.y.tolist() == ["cat"] * 3 + ["dog"] * 3 and (deep.X[2] == 7).all()
    from vaeaug.cli_data import image_folder

    assert image_folder(tmp_path)["names"].tolist() == ["0", "1", "batch2/0", "0", "grey", "rgb"]
    (tmp_path / "bird").mkdir()  # a class without images: it vanished without a word (ImageFolder refuses it)
    (tmp_path / "bird" / "notes.txt").write_text("to do")
    with pytest.raises(DataFormatError, match=r"class folder\(s\) \['bird'\] hold no images"):
        load_image_folder(tmp_path)
    (tmp_path / "bird" / "notes.txt").unlink()
    (tmp_path / "bird").rmdir()
    (tmp_path / "dog" / "broken.png").write_bytes(b"not an image")
    with pytest.raises(DataFormatError, match="broken.png"):
        load_image_folder(tmp_path)


def test_transparent_images_load_as_viewers_show_them_over_white(tmp_path):
    """Black strokes drawn on a transparent canvas (an HTML canvas, a sketch app) hide black under
    their transparent pixels: converting dropped alpha, and every image loaded all black."""
    from PIL import Image

    strokes = np.zeros((12, 10), bool)
    strokes[3:9, 4:6] = True
    rgba = np.zeros((12, 10, 4), np.uint8)  # black everywhere, opaque on the strokes alone
    rgba[..., 3] = np.where(strokes, 255, 0)
    half = rgba.copy()
    half[..., 3] = np.where(strokes, 255, 128)  # half-transparent black background: mid grey
    for label, image in {"rgba": Image.fromarray(rgba), "la": Image.fromarray(rgba).convert("LA"),
                         "half": Image.fromarray(half).convert("LA")}.items():
        (tmp_path / label).mkdir()
        image.save(tmp_path / label / "0.png")
    ds = load_image_folder(tmp_path)
    assert ds.meta["mode"] == "RGB"  # an RGBA image is read as colour, as RGB ones are
    for label, background in {"rgba": 255, "la": 255, "half": 127}.items():
        x = ds.X[ds.y.tolist().index(label)]
        assert (x[:, strokes] == 0).all() and (np.abs(x[:, ~strokes].astype(int) - background) <= 1).all(), label
    (tmp_path / "rgba" / "0.png").unlink()
    (tmp_path / "rgba").rmdir()
    grey = load_image_folder(tmp_path)  # grey with alpha stays grey
    assert grey.meta["mode"] == "L" and (grey.X[:, strokes] == 0).all() and (grey.X[grey.y == "la"][:, ~strokes] == 255).all()


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    """Phones store a portrait photo as landscape pixels and an EXIF tag that viewers obey: read
    without it, the photo came in on its side, and was squeezed to the other photos' size."""
    from PIL import Image

    upright = np.zeros((12, 8), np.uint8)
    upright[:3] = 255  # a white band at the top
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    (tmp_path / "a").mkdir()
    Image.fromarray(np.rot90(upright, k=1)).save(tmp_path / "a" / "phone.png", exif=exif)  # stored on its side
    Image.fromarray(upright).save(tmp_path / "a" / "plain.png")
    ds = load_image_folder(tmp_path)
    assert ds.X.shape == (2, 12, 8)
    np.testing.assert_array_equal(ds.X[0], upright)


def test_a_folder_of_recordings_is_told_how_it_is_read(tmp_path):
    """A folder of class folders of CSV recordings (sensor data sets come so) was told only that it
    held no images."""
    for label in ("walk", "run"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "r1.csv").write_text("ax,ay\n1,2\n3,4\n")
    with pytest.raises(DataFormatError, match=r"no images found.*holds 2 text table\(s\), such as run/r1.csv.*"
                                              r"\[pd.read_csv\(f\) for f in files\].*--sequence-id COLUMN"):
        load_image_folder(tmp_path)


def test_sixteen_bit_grey_images_keep_their_depth_both_ways(tmp_path):
    """16-bit PNGs (scanners, microscopes, X-rays) were converted to 8 bits by PIL, which clips at
    255: nearly every pixel of a 12-bit image came in white."""
    from PIL import Image

    from vaeaug.data.images import write_image_folder

    rng = np.random.default_rng(0)
    deep = (rng.random((4, 12, 10)) * 4000).astype(np.uint16)
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(2):
            Image.fromarray(deep[2 * (label == "b") + i]).save(tmp_path / label / f"{i}.png")
    ds = load_image_folder(tmp_path)
    assert ds.X.dtype == np.uint16 and ds.meta["mode"] == "I;16"
    np.testing.assert_array_equal(ds.X, deep)  # every value as written
    write_image_folder(tmp_path / "out", ds.X, ds.y, ["x", "y", "x", "y"])  # written back as 16-bit PNG
    np.testing.assert_array_equal(load_image_folder(tmp_path / "out").X, deep)
    with pytest.raises(ValueError, match="two images would be written to a/x.png"):  # one would overwrite the other
        write_image_folder(tmp_path / "clash", ds.X, ds.y, ["x", "x", "y", "z"])
    assert not (tmp_path / "clash").exists()
    Image.fromarray(np.full((24, 20), 255, np.uint8)).save(tmp_path / "a" / "byte.png")  # 8 bits among 16, larger
    mixed = load_image_folder(tmp_path)
    assert mixed.X.dtype == np.uint16 and mixed.X[mixed.extras["files"].index(str(tmp_path / "a" / "byte.png"))].min() \
        == 65535  # white stays white, resized to the common 12×10


def test_npz_and_load_path(tmp_path, digits):
    X, y = digits
    p = tmp_path / "d.npz"
    np.savez(p, X=X[:50], y=y[:50], X_val=X[50:60], y_val=y[50:60], X_test=X[60:90], y_test=y[60:90])
    ds = load_path(p)
    assert len(ds) == 90 and {k: len(v) for k, v in ds.split.items()} == {"train": 50, "val": 10, "test": 30}
    np.savez(p, A=X[:3])
    with pytest.raises(DataFormatError, match="needs arrays 'X' and 'y'"):
        load_npz_dataset(p)
    np.savez(p, X=np.array([{"a": 1}], dtype=object), y=np.zeros(1))
    with pytest.raises(ValueError, match="pickl.*X_values .* and X_lengths"):
        load_npz_dataset(p)
    np.savez(p, X=X[:2], y=np.array(["a", "b"], dtype=object))  # labels as Python strings: the array it was
    with pytest.raises(ValueError, match=r"its array 'y' holds Python objects.*labels as y.astype\(str\)"):
        load_npz_dataset(p)


def test_embedded_default_is_offline_and_scarce():
    ds = load_digits_dataset()
    tr, va, te = ds.train_val_test()
    assert tr.X.shape == (200, 8, 8) and len(va) == 100 and len(te) == 1497
    assert not set(ds.split["train"]) & set(ds.split["test"])
    assert ds.X.dtype == np.uint8 and ds.X.max() == 255


def test_a_class_too_small_to_split_is_trained_on_and_the_rest_split_as_before():
    """A class of one or two samples cannot be in train, validation and test at once. It used to
    send the whole split to plain random, and could leave a label out of train: the experiment then
    failed on a label it never saw. Now its first sample trains, a second tests, and the other
    classes split as they did."""
    from sklearn.model_selection import train_test_split

    from vaeaug.data.dataset import stratified_split

    y = np.array([0] * 10 + [1] * 10 + [2] * 2 + [3])
    for seed in range(5):
        parts = stratified_split(y, 0.1, 0.3, seed)
        assert np.array_equal(np.sort(np.concatenate(list(parts.values()))), np.arange(len(y)))  # each sample once
        assert set(y[parts["train"]]) == {0, 1, 2, 3} and list(y[parts["test"]]).count(2) == 1
        assert all({0, 1} <= set(y[parts[k]]) for k in ("val", "test"))
        two = stratified_split(y, 0.2, 0.0, seed, two_way=True)
        assert set(y[two["train"]]) == {0, 1, 2, 3} and set(two) == {"train", "val"}
    big = y[:20]  # no small class: sklearn's stratified split, as before
    _, test = train_test_split(np.arange(20), test_size=0.3, stratify=big, random_state=0)
    assert np.array_equal(stratified_split(big, 0.1, 0.3, 0)["test"], np.sort(test))
    many = np.repeat(np.arange(13), 4)  # 10 % of 52 is 6 samples, fewer than 13 classes: sklearn refused it
    parts = stratified_split(many, 0.1, 0.1, 0)
    assert all(set(many[parts[k]]) == set(range(13)) for k in parts) and sum(map(len, parts.values())) == 52
    assert set(many[stratified_split(many, 0.1, 0.0, 0, two_way=True)["val"]]) == set(range(13))


# ---------------------------------------------------------------- downloader on a local server
@pytest.fixture()
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    (root / "data.txt").write_bytes(b"hello uji\n" * 1000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hashlib.sha256(b"hello uji\n" * 1000).hexdigest()
    httpd.shutdown()
    httpd.server_close()  # the listening socket too (a ResourceWarning otherwise)


def test_download_success_and_cache(server, tmp_path, monkeypatch):
    url, sha = server
    monkeypatch.setenv("VAEAUG_DATA_DIR", str(tmp_path / "cache"))
    p = fetch(f"{url}/data.txt", sha, "data.txt", subdir="x")
    assert p == tmp_path / "cache" / "x" / "data.txt" and p.read_bytes().startswith(b"hello uji")
    # cached: no server needed the second time
    assert fetch("http://127.0.0.1:9/none", sha, "data.txt", subdir="x") == p


def test_download_checksum_mismatch_keeps_nothing(server, tmp_path):
    url, _ = server
    with pytest.raises(DownloadError, match="expected 0000"):
        fetch(f"{url}/data.txt", "0" * 64, "data.txt", directory=tmp_path / "c")
    assert list((tmp_path / "c").iterdir()) == []  # no half-written or wrong file left


def test_download_offline_says_where_to_put_the_file(tmp_path):
    with pytest.raises(DownloadError, match=r"offline.*put it at .*data.txt"):
        fetch("http://127.0.0.1:9/data.txt", "0" * 64, "data.txt", directory=tmp_path / "c", timeout=2)
    assert list((tmp_path / "c").iterdir()) == []


def test_damaged_cache_entry_is_reported(server, tmp_path):
    url, sha = server
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "data.txt").write_bytes(b"garbage")
    with pytest.raises(DownloadError, match="damaged"):
        fetch(f"{url}/data.txt", sha, "data.txt", directory=tmp_path / "c")


def test_a_first_row_of_numbers_is_data_though_a_cell_matches_the_label_named_by_place(tmp_path):
    """``--label 0`` names column 0 of a file without a header; a first row whose cells are all
    numbers, one of them 0, was taken for a header naming the label, and its sample was lost."""
    f = tmp_path / "t.tsv"
    f.write_text("0\t1.5\t2.5\n1\t0.5\t3.5\n0\t1.0\t2.0\n")
    ds = load_csv(f, label="0")
    assert ds.y.tolist() == [0, 1, 0] and ds.X.shape == (3, 2) and ds.meta["header"] is False
    f.write_text("0,a,b\n1,0.5,3.5\n0,1.0,2.0\n")  # a row with names: still a header
    assert load_csv(f, label="0").meta["header"] is True


def test_a_test_set_of_ones_own_is_the_split_scored_and_validation_comes_from_training_alone(recwarn):
    from vaeaug.data import Dataset

    rng = np.random.default_rng(0)
    ds = Dataset("mine", rng.normal(size=(40, 3)), np.repeat(["a", "b"], 20), "vector", meta={"imputed": {"f0": 2}})
    X_test, y_test = rng.normal(size=(9, 3)) + 100, np.array(["a"] * 4 + ["b"] * 4 + ["c"])
    joined = ds.with_test(X_test, y_test, "test.csv", imputed={"f0": 1, "f2": 3})
    train, val, test = joined.train_val_test(random_state=0)
    np.testing.assert_array_equal(test.X, X_test)  # the test set as given, whole, and nothing else
    assert test.y.tolist() == y_test.tolist() and len(train) + len(val) == 40
    assert (np.abs(np.concatenate([train.X, val.X])) < 50).all() and len(val) > 0  # carved from training alone
    assert joined.meta["imputed"] == {"f0": 3, "f2": 3} and joined.meta["test_source"] == "test.csv"
    assert "['c'] are in the test set but not in the training data" in str(recwarn.pop(UserWarning).message)
    with pytest.raises(DataFormatError, match=r"test.csv: its samples have \[4\] features, the training data's \[3\]"):
        ds.with_test(rng.normal(size=(5, 4)), np.repeat("a", 5), "test.csv")
    with pytest.raises(ValueError, match="already holds a test split"):
        joined.with_test(X_test, y_test, "again.csv")
    seqs = Dataset("s", [rng.normal(size=(t, 2)) for t in (5, 6, 7, 8)], np.array([0, 0, 1, 1]), "sequence")
    both = seqs.with_test([rng.normal(size=(9, 2))], np.array(["1"]), "t.ts")  # labels read as text: the same 1
    assert len(both.X) == 5 and both.X[4].shape == (9, 2) and both.y.tolist() == [0, 0, 1, 1, 1]


@pytest.mark.filterwarnings("ignore:missing values imputed")
def test_a_test_frame_is_read_as_the_training_frame_and_its_missing_cells_at_the_training_medians():
    import pandas as pd

    from vaeaug.data import Dataset

    frame = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0, np.nan, 6.0], "colour": list("rgbrgb")})
    ds = Dataset("mine", frame, np.array([0, 1] * 3), "vector")
    test = pd.DataFrame({"colour": ["g", "r"], "size": [np.nan, 10.0]})  # its columns in another order
    _, _, part = ds.with_test(test, pd.Series([1, 0]), "test").train_val_test()
    np.testing.assert_array_equal(part.X, ds.encoder.transform_frame(test.fillna({"size": 3.0})))
    numbers = Dataset("n", pd.DataFrame({"a": [1.0, 2.0, 9.0], "b": [0.0, 1.0, 2.0]}), np.array([0, 1, 0]), "vector")
    joined = numbers.with_test(pd.DataFrame({"a": [np.nan], "b": [5.0]}), [1], "test")
    assert joined.X[-1].tolist() == [2.0, 5.0] and joined.meta["imputed"] == {"a": 1}


def test_with_test_file_reads_a_test_csv_by_the_training_table_and_refuses_another_kind(tmp_path):
    from vaeaug.data import Dataset, with_test_file

    (tmp_path / "train.csv").write_text("w,colour,label\n" + "".join(
        f"{i},{'red' if i % 3 else 'blue'},{'ab'[i % 2]}\n" for i in range(20)))
    (tmp_path / "test.csv").write_text("label,colour,w,extra\nb,blue,,x\na,red,4,y\n")  # any order, a column more
    ds = load_csv(tmp_path / "train.csv")
    _, _, test = with_test_file(ds, tmp_path / "test.csv").train_val_test()
    np.testing.assert_array_equal(test.X, ds.encoder.transform([["9.5", "blue"], ["4", "red"]]))  # w's median 9.5
    assert test.y.tolist() == ["b", "a"]
    np.savez(tmp_path / "pictures.npz", X=np.zeros((4, 10, 10)), y=np.arange(4))
    with pytest.raises(ValueError, match="holds images, but the training data a table"):
        with_test_file(Dataset("mine", np.zeros((4, 2)), np.arange(4), "vector"), tmp_path / "pictures.npz")


def test_a_table_whose_categories_encode_large_is_said_with_its_widest_columns(tmp_path, monkeypatch):
    """Each category is a feature: a many-valued column (a city, a product) makes a table of
    gigabytes, which is said, naming it, rather than found out of memory."""
    from vaeaug.data import tabular

    monkeypatch.setattr(tabular, "LARGE_ENCODING", 200 * 150 * 8)  # as if these rows were 100,000
    rows = "".join(f"{i % 7},city{i % 150},{'ab'[i % 2]}\n" for i in range(200))
    (tmp_path / "t.csv").write_text("n,city,label\n" + rows)
    with pytest.warns(UserWarning, match=r"its 200 rows encode to 151 features, .* its widest category columns: "
                                         r"'city' \(150 values\): group their rare values"):
        load_csv(tmp_path / "t.csv")
    (tmp_path / "small.csv").write_text("n,city,label\n" + "".join(f"{i},c{i % 5},{'ab'[i % 2]}\n" for i in range(200)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_csv(tmp_path / "small.csv")  # fewer categories, under the size: nothing said


def test_a_folder_of_train_and_test_folders_is_refused_with_the_command_that_reads_it(tmp_path):
    """data/train/<class>/ and data/test/<class>/ given as data/: read as classes, "train" against
    "test" would be learnt without a word; a class that happens to be named "test" still reads; a
    folder around the class folders (one class of sub-folders) is said."""
    from PIL import Image

    for part in ("train", "test"):
        for label in ("cat", "dog"):
            (tmp_path / "data" / part / label).mkdir(parents=True)
            Image.fromarray(np.full((8, 8), 9, np.uint8)).save(tmp_path / "data" / part / label / "a.png")
    with pytest.raises(DataFormatError, match=r"are the data set's parts.*--data .*train \(and to the experiment "
                                              r"--test .*test\)"):
        load_image_folder(tmp_path / "data")
    assert load_image_folder(tmp_path / "data" / "train").y.tolist() == ["cat", "dog"]
    (tmp_path / "flat" / "test").mkdir(parents=True)  # classes named test and cat, images in them
    (tmp_path / "flat" / "cat").mkdir()
    for label in ("test", "cat"):
        Image.fromarray(np.full((8, 8), 9, np.uint8)).save(tmp_path / "flat" / label / "a.png")
    assert sorted(load_image_folder(tmp_path / "flat").y.tolist()) == ["cat", "test"]
    for label in ("cat", "dog"):  # the class folders inside one more folder: one class, "images", said
        (tmp_path / "wrapped" / "images" / label).mkdir(parents=True)
        Image.fromarray(np.full((8, 8), 9, np.uint8)).save(tmp_path / "wrapped" / "images" / label / "a.png")
    with pytest.warns(UserWarning, match=r"its one class folder, 'images', holds its images in 2 sub-folders "
                                         r"\(cat, dog\): if these are the classes, give --data .*images"):
        assert load_image_folder(tmp_path / "wrapped").y.tolist() == ["images", "images"]


def test_an_npz_of_column_or_one_hot_labels_reads_as_fit_reads_them(tmp_path):
    """y saved as a column (N, 1) reads as its labels, with fit's warning; one-hot rows (Keras'
    to_categorical) are refused naming the file; before, the experiment stopped on an IndexError or
    a torch error deep in a classifier."""
    from sklearn.exceptions import DataConversionWarning

    X, labels = np.random.default_rng(0).normal(size=(40, 3)), np.repeat([0, 1], 20)
    np.savez(tmp_path / "col.npz", X=X, y=labels[:, None])
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        ds = load_npz_dataset(tmp_path / "col.npz")
    assert ds.y.shape == (40,) and ds.train_val_test()[2].y.ndim == 1
    np.savez(tmp_path / "onehot.npz", X=X, y=np.eye(2)[labels])
    with pytest.raises(DataFormatError, match=r"onehot.npz: y is one-hot, shape \(40, 2\)"):
        load_npz_dataset(tmp_path / "onehot.npz")


def test_an_npz_of_keras_or_train_test_split_names_reads_its_parts(tmp_path):
    """Keras' mnist.npz names its parts x_train, y_train, x_test, y_test; scikit-learn users save
    X_train, ...: both read as X, y and the fixed test split (before: 'needs arrays X and y')."""
    from vaeaug.cli_data import load_arrays

    rng = np.random.default_rng(0)
    parts = {"train": rng.integers(0, 255, (30, 8, 8), dtype=np.uint8), "test": rng.integers(0, 255, (9, 8, 8), dtype=np.uint8)}
    np.savez(tmp_path / "keras.npz", x_train=parts["train"], y_train=np.arange(30) % 3,
             x_test=parts["test"], y_test=np.arange(9) % 3)
    np.savez(tmp_path / "sk.npz", X_train=parts["train"], y_train=np.arange(30) % 3,
             X_test=parts["test"], y_test=np.arange(9) % 3, X=parts["train"][:3], y=np.arange(3))  # X wins: its own
    _, _, test = load_npz_dataset(tmp_path / "keras.npz").train_val_test()
    np.testing.assert_array_equal(test.X, parts["test"])
    assert len(load_npz_dataset(tmp_path / "sk.npz").split["train"]) == 3
    assert load_arrays(str(tmp_path / "keras.npz"))["X"].shape == (30, 8, 8)


def test_a_named_data_set_is_found_in_any_case():
    """`--dataset gunpoint` was 'unknown data set' beside GunPoint; names differ by more than case."""
    from vaeaug.data import DATASETS, load_dataset

    assert len({n.lower() for n in DATASETS}) == len(DATASETS)
    assert load_dataset("DIGITS").name == load_dataset("digits").name
    with pytest.raises(ValueError, match="unknown data set 'digit'"):
        load_dataset("digit")
