"""The CLI is thin over the API: train, augment, and clear errors, through ``vaeaug.cli.main``."""

import subprocess
import sys

import numpy as np
import pytest

from vaeaug.cli import main
from vaeaug.fileio import load_npz
from vaeaug.priors import AMOUNT

from .conftest import warned_here


@pytest.fixture()
def npz(tmp_path, digits):
    X, y = digits
    p = tmp_path / "d.npz"
    np.savez(p, X=X[:300], y=y[:300], X_val=X[300:400], y_val=y[300:400])
    return p


def test_train_then_augment(tmp_path, npz, capsys):
    model = tmp_path / "model"
    assert main(["train", "--data", str(npz), "--data-kind", "vector", "--out", str(model), "--epochs", "3", "--hidden", "32,16",
                 "--latent-dim", "4", "--seed", "1", "--quiet"]) == 0
    assert (model / "config.json").exists() and (model / "model.safetensors").exists()
    out = tmp_path / "aug.npz"
    assert main(["augment", "--model", str(model), "--data", str(npz), "--method", "interpolation",
                 "--per-sample", "3", "--out", str(out), "--seed", "1", "--strength", "0.5"]) == 0
    a = load_npz(out)
    assert a["X"].shape == (900, 64) and (a["y"] == np.repeat(load_npz(npz)["y"], 3)).all()
    # same seed, same output
    out2 = tmp_path / "aug2.npz"
    main(["augment", "--model", str(model), "--data", str(npz), "--method", "interpolation",  # train's option name too
          "--n-per-sample", "3", "--out", str(out2), "--seed", "1", "--strength", "0.5", "-q"])  # -q: --quiet
    np.testing.assert_array_equal(load_npz(out2)["X"], a["X"])
    assert "wrote 900 samples" in capsys.readouterr().out
    # no --per-sample: the model's own n_per_sample ("auto": the amount for tables)
    out3 = tmp_path / "aug3.npz"
    main(["augment", "--model", str(model), "--data", str(npz), "--method", "interpolation", "--out", str(out3),
          "--seed", "1", "--strength", "0.5"])
    assert len(load_npz(out3)["X"]) == 300 * AMOUNT["vector"]


def test_augment_gives_a_class_of_one_noise_unless_a_method_is_named(tmp_path, digits, capsys):
    X, y = digits
    y = y[:200].copy()
    y[0] = 42  # a class of one
    data = tmp_path / "lone.npz"
    np.savez(data, X=X[:200], y=y)
    model = tmp_path / "model"
    assert main(["train", "--data", str(data), "--data-kind", "vector", "--out", str(model), "--epochs", "2",
                 "--hidden", "32,16", "--latent-dim", "4", "--method", "interpolation", "--quiet"]) == 0
    out = tmp_path / "o.npz"
    assert main(["augment", "--model", str(model), "--data", str(data), "--per-sample", "2", "--out", str(out)]) == 0
    assert (load_npz(out)["y"] == 42).sum() == 2  # the model's own method: the lone sample takes noise
    assert main(["augment", "--model", str(model), "--data", str(data), "--method", "interpolation",
                 "--per-sample", "2", "--out", str(out)]) == 1  # named: refused, as the API does
    err = capsys.readouterr().err  # its advice in the options' spelling, not the API's small_classes='skip'
    assert "class(es) 42 have one" in err and "--small-classes skip to give them none" in err and "=" not in err
    assert main(["augment", "--model", str(model), "--data", str(data), "--method", "interpolation",
                 "--per-sample", "2", "--small-classes", "skip", "--out", str(out)]) == 0
    assert len(load_npz(out)["y"]) == 2 * 199


def test_train_and_augment_a_csv_table_write_its_rows_back(tmp_path, capsys):
    """A table in, rows of the same columns out: categories valid, whole-number columns whole,
    columns found by name; the encoder travels beside the model as JSON."""
    import csv

    rng = np.random.default_rng(0)
    rows = [[f"{rng.normal() * 1000:.6f}", rng.choice(["red", "blue"]), str(int(rng.integers(1, 5))), lab]
            for lab in ["x"] * 30 + ["y"] * 30]
    data = tmp_path / "t.csv"
    data.write_text("a;colour;size;species\n" + "".join(";".join(r) + "\n" for r in rows))
    model = tmp_path / "model"
    assert main(["train", "--data", str(data), "--label", "species", "--out", str(model), "--epochs", "2",
                 "--hidden", "16", "--latent-dim", "2", "--quiet"]) == 0
    assert (model / "table.json").is_file()
    shuffled = tmp_path / "s.csv"  # the same table, its columns in another order
    shuffled.write_text("species,size,a,colour\n" + "".join(f"{r[3]},{r[2]},{r[0]},{r[1]}\n" for r in rows))
    out = tmp_path / "new.csv"
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--per-sample", "2", "--out", str(out),
                 "--quiet"]) == 0, capsys.readouterr().err
    with open(out) as f:
        new = list(csv.DictReader(f))
    assert len(new) == 120 and list(new[0]) == ["a", "colour", "size", "species"]
    assert {r["colour"] for r in new} <= {"red", "blue"} and {r["species"] for r in new} == {"x", "y"}
    assert all(r["size"].isdigit() and 1 <= int(r["size"]) <= 4 for r in new)
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--per-sample", "1", "--out", str(out),
                 "--include-original", "--quiet"]) == 0
    with open(out) as f:  # originals as read (10 digits); offspring to the 7 digits a float32 decoder holds
        a = [r["a"] for r in csv.DictReader(f)]
    assert [float(v) for v in a[:60]] == [float(r[0]) for r in rows]
    assert all(len(v.lstrip("-").replace(".", "").lstrip("0")) <= 7 for v in a[60:] if "e" not in v)
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--out", str(tmp_path / "n.npz"),
                 "--quiet"]) == 0 and load_npz(tmp_path / "n.npz")["X"].shape[1] == 4  # a, two colours, size
    assert "were not in the table" not in capsys.readouterr().err
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--out", str(tmp_path / "n.npz"),
                 "--compose", "affine"]) == 1  # the advice names auto, which the option takes: the model's own
    assert "vector data takes 'none' or 'auto'" in capsys.readouterr().err
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--out", str(tmp_path / "n.npz"),
                 "--compose", "auto", "--quiet"]) == 0
    with_id = tmp_path / "id.csv"  # a column the model lacks is left out of what is written: said, not silent
    with_id.write_text("id,species,size,a,colour\n" + "".join(f"{i},{r[3]},{r[2]},{r[0]},{r[1]}\n"
                                                              for i, r in enumerate(rows)))
    assert main(["augment", "--model", str(model), "--data", str(with_id), "--per-sample", "1", "--out", str(out),
                 "--include-original", "--quiet"]) == 0
    assert "id.csv: column(s) ['id'] were not in the table the model was trained on" in capsys.readouterr().err
    lines = shuffled.read_text().splitlines()
    shuffled.write_text("\n".join([*lines[:5], "", "z" + lines[5][1:], *lines[6:]]))  # a label the model lacks
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--out", str(out)]) == 1
    assert "s.csv, line 7: label 'z' in column 'species' is not one the model was trained on" \
        in capsys.readouterr().err  # its line in the file, past a blank one: it was named by its index
    npz = tmp_path / "d.npz"
    np.savez(npz, X=rng.normal(size=(40, 3)), y=np.repeat([0, 1], 20))
    assert main(["train", "--data", str(npz), "--out", str(model), "--epochs", "2", "--quiet"]) == 0
    assert not (model / "table.json").exists()  # the arrays' model keeps no earlier table
    assert main(["augment", "--model", str(model), "--data", str(shuffled), "--out", str(out)]) == 1
    assert "trained on arrays, not on a CSV table" in capsys.readouterr().err
    theirs = tmp_path / "theirs"  # a folder with a table.json of the user's: refused before training, not lost
    theirs.mkdir()
    (theirs / "table.json").write_text("{}")
    assert main(["train", "--data", str(npz), "--out", str(theirs), "--epochs", "2", "--quiet"]) == 1
    assert "holds ['table.json'] that vaeaug did not write" in capsys.readouterr().err
    assert [p.name for p in theirs.iterdir()] == ["table.json"]


def test_uci_data_files_are_tables_and_a_tsv_is_written_with_tabs(tmp_path, capsys):
    """``iris.data``, as UCI ships it, was refused: train and augment read .csv alone."""
    rng = np.random.default_rng(0)
    data = tmp_path / "iris.data"
    data.write_text("".join(f"{rng.normal():.3f},{rng.normal():.3f},Iris-{['setosa', 'virginica'][i % 2]}\n"
                            for i in range(30)))
    model, out = tmp_path / "m", tmp_path / "new.tsv"
    assert main(["train", "--data", str(data), "--out", str(model), "--epochs", "2", "--hidden", "8",
                 "--latent-dim", "2", "--quiet"]) == 0, capsys.readouterr().err
    assert main(["augment", "--model", str(model), "--data", str(data), "--out", str(out), "--per-sample", "1",
                 "--quiet"]) == 0
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert len(rows) == 30 and {len(r) for r in rows} == {3} and {r[2] for r in rows} == {"Iris-setosa", "Iris-virginica"}
    assert main(["train", "--data", str(tmp_path / "t.parquet"), "--out", str(model)]) == 1
    assert "write a CSV first: pandas.read_excel(path).to_csv" in capsys.readouterr().err


def test_a_csv_without_a_header_is_trained_on_and_augmented_as_it_is(tmp_path, capsys):
    """A headerless file (UCI's) loses no row, is said to have been read so, and its new rows come
    back without a header, the label where it was."""
    rng = np.random.default_rng(0)
    rows = [f"{lab},{rng.normal():.3f},{rng.normal():.3f}\n" for lab in ["x", "y"] * 20]
    data = tmp_path / "wine.data.csv"
    data.write_text("".join(rows))
    model, out = tmp_path / "model", tmp_path / "new.csv"
    assert main(["train", "--data", str(data), "--label", "0", "--out", str(model), "--epochs", "2",
                 "--hidden", "16", "--latent-dim", "2", "--quiet"]) == 0
    assert "first row is data, not a header" in capsys.readouterr().err
    assert main(["info", "--model", str(model)]) == 0 and "no header row" in capsys.readouterr().out
    assert main(["augment", "--model", str(model), "--data", str(data), "--per-sample", "2", "--out", str(out),
                 "--quiet"]) == 0, capsys.readouterr().err
    new = [line.split(",") for line in out.read_text().splitlines()]
    assert len(new) == 80 and {r[0] for r in new} == {"x", "y"}  # every row, no header, the label first
    assert all(len(r) == 3 and float(r[1]) == float(r[1]) for r in new)
    assert main(["augment", "--model", str(model), "--data", str(data), "--header", "--out", str(out),
                 "--quiet"]) == 1  # told its first row names the columns: not the model's columns
    assert "missing" in capsys.readouterr().err


def test_augment_writes_a_csv_rows_missing_cells_missing_in_their_offspring_and_originals(tmp_path, capsys):
    """A CSV's missing cells were filled as it was read, and written back filled: the originals
    under --include-original held a median or a mode as if measured. Now each row written misses
    its source's cells, marked as the file marks them (UCI's "?")."""
    import csv

    rng = np.random.default_rng(0)
    rows = [[f"{rng.normal():.4f}", f"{rng.normal():.4f}", str(rng.choice(["u", "v", "w"])), lab]
            for lab in ["x", "y"] * 15]
    holes = {(1, 0), (4, 0), (7, 2), (8, 1)}
    for i, j in holes:
        rows[i][j] = "?"
    data = tmp_path / "t.data"  # no header, as UCI ships it
    data.write_text("".join(",".join(r) + "\n" for r in rows))
    model, out = tmp_path / "model", tmp_path / "new.csv"
    assert main(["train", "--data", str(data), "--out", str(model), "--epochs", "2", "--hidden", "8",
                 "--latent-dim", "2", "--quiet"]) == 0, capsys.readouterr().err
    assert main(["augment", "--model", str(model), "--data", str(data), "--per-sample", "2", "--out", str(out),
                 "--include-original", "--quiet"]) == 0, capsys.readouterr().err
    new = list(csv.reader(out.open()))
    def cells(table):  # numbers by value: "1.3040" is written back 1.304
        return [[float(c) if c[-1].isdigit() else c for c in r] for r in table]

    assert cells(new[:30]) == cells(rows)  # the originals as they were, their marks too
    made = [j for r in new[30:] for j, c in enumerate(r) if c == "?"]
    assert sorted(made) == [0, 0, 0, 0, 1, 1, 2, 2]  # two offspring a source, each missing its source's cell
    blank = tmp_path / "b.csv"  # a header, and blanks as pandas writes NaN
    blank.write_text("a,b,c,class\n" + "".join(",".join("" if c == "?" else c for c in r) + "\n" for r in rows))
    assert main(["train", "--data", str(blank), "--out", str(model), "--epochs", "2", "--quiet"]) == 0
    assert main(["augment", "--model", str(model), "--data", str(blank), "--per-sample", "1", "--out", str(out),
                 "--quiet"]) == 0
    new = list(csv.DictReader(out.open()))
    assert [i for i, r in enumerate(new) if r["a"] == ""] == [1, 4] and [i for i, r in enumerate(new) if r["c"] == ""] == [7]
    assert all(r["b"] not in ("", "?") for i, r in enumerate(new) if i != 8)
    capsys.readouterr()
    assert main(["info", "--model", str(model)]) == 0
    assert "each row written misses its source's cells" in capsys.readouterr().out


def test_train_and_augment_a_folder_of_images_write_pngs_per_class(tmp_path, digit_images, capsys):
    """Class sub-folders in, class sub-folders of PNG files out, named by their source file; a
    rerun replaces the folder whole; a folder is refused where the model is no image model."""
    from PIL import Image

    from vaeaug.data import load_image_folder

    X, y = digit_images
    data = tmp_path / "digits"
    for label in (3, 7):
        (data / f"d{label}").mkdir(parents=True)
        for i in np.flatnonzero(y == label)[:10]:
            Image.fromarray(X[i]).save(data / f"d{label}" / f"s{i}.png")
    Image.fromarray(X[0]).resize((12, 12)).save(data / "d3" / "big.png")  # another size: read at the model's
    Image.fromarray(X[0]).save(data / "d3" / "big.bmp")  # the same stem: each keeps its own offspring
    (data / "d3" / "b").mkdir()  # a nested image, and one whose flat name its path would take
    Image.fromarray(X[1]).save(data / "d3" / "b" / "0.png")
    Image.fromarray(X[2]).save(data / "d3" / "b_0.png")
    model, out = tmp_path / "model", tmp_path / "new"
    tiny = ["--epochs", "2", "--hidden", "8,16", "--latent-dim", "2", "--quiet"]
    assert main(["train", "--data", str(data), "--out", str(model), *tiny]) == 0
    capsys.readouterr()
    assert main(["info", "--model", str(model)]) == 0  # the images as given, not the model's (1, 8, 8)
    assert "data      grey images of 8×8 pixels (uint8); 2 classes (d3, d7)" in capsys.readouterr().out
    for per_sample in ("2", "1"):
        assert main(["augment", "--model", str(model), "--data", str(data), "--out", f"{out}/", "--per-sample",
                     per_sample, "--compose", "affine", "--quiet"]) == 0, capsys.readouterr().err
    stems = [(p.name if p.stem == "big" else p.relative_to(data / "d3").with_suffix("").as_posix())
             for p in (data / "d3").rglob("*.*")]  # b/0 is written as b/0-vae-0.png, beside b_0-vae-0.png
    assert sorted(p.relative_to(out / "d3").with_suffix("").as_posix() for p in (out / "d3").rglob("*.png")) == sorted(
        [f"{s}-vae-0" for s in stems] + [f"{s}-moved-0" for s in stems])  # the first run's -1 files are gone
    made = load_image_folder(out)
    assert made.X.shape == (48, 8, 8) and made.X.dtype == np.uint8 and set(made.y) == {"d3", "d7"}
    assert main(["augment", "--model", str(model), "--data", str(data), "--out", str(tmp_path / "with"),
                 "--per-sample", "1", "--compose", "none", "--include-original", "--quiet"]) == 0
    assert sorted(p.stem for p in (tmp_path / "with" / "d7").iterdir())[:2] == ["s17", "s17-vae-0"]
    assert main(["augment", "--model", str(model), "--data", str(data), "--out", str(tmp_path / "x.csv")]) == 1
    assert "a CSV is written for a model trained on a CSV table" in capsys.readouterr().err
    assert main(["augment", "--model", str(model), "--data", str(data), "--out", str(data / "d3")]) == 1  # the user's
    assert "vaeaug did not write" in capsys.readouterr().err and len(list((data / "d3").iterdir())) == 14
    colour = tmp_path / "colour" / "d7"  # a folder of colour images, read grey as the model's were
    colour.mkdir(parents=True)
    Image.fromarray(X[np.flatnonzero(y == 7)[0]]).convert("RGB").save(colour / "c.png")
    assert main(["augment", "--model", str(model), "--data", str(colour.parent), "--out", str(tmp_path / "from-colour"),
                 "--per-sample", "1", "--compose", "none", "--quiet"]) == 0, capsys.readouterr().err
    assert load_image_folder(tmp_path / "from-colour").X.shape == (1, 8, 8)
    table = tmp_path / "table"
    np.savez(tmp_path / "t.npz", X=X[:40].reshape(40, -1) / 255.0, y=y[:40] % 2)
    assert main(["train", "--data", str(tmp_path / "t.npz"), "--data-kind", "vector", "--out", str(table), *tiny]) == 0
    assert main(["augment", "--model", str(table), "--data", str(data), "--out", str(tmp_path / "x.npz")]) == 1
    assert "not trained on images" in capsys.readouterr().err
    assert main(["augment", "--model", str(table), "--data", str(tmp_path / "t.npz"), "--out", str(out)]) == 1
    assert "is a folder" in capsys.readouterr().err



def test_labels_that_would_share_a_class_folder_are_refused_before_generating(tmp_path, digit_images, capsys, monkeypatch):
    """A label's '/' or leading '.' cannot be a folder name: 'zero/0' and 'zero_0' were both written
    to zero_0/ and read back as one class, without a word."""
    from vaeaug.augmenter import VAEAugmenter
    from vaeaug.data.images import write_image_folder

    X, y = digit_images[0][:40], np.where(digit_images[1][:40] % 2, "zero/0", "zero_0")
    with pytest.raises(ValueError, match="labels 'zero/0', 'zero_0' would share the class folder 'zero_0'"):
        write_image_folder(tmp_path / "py", X, y, [str(i) for i in range(40)])
    assert not (tmp_path / "py").exists()
    np.savez(tmp_path / "d.npz", X=X, y=y)
    tiny = ["--epochs", "2", "--hidden", "8,16", "--latent-dim", "2", "--quiet"]
    assert main(["train", "--data", str(tmp_path / "d.npz"), "--out", str(tmp_path / "m"), *tiny]) == 0
    monkeypatch.setattr(VAEAugmenter, "generate", lambda *a, **k: pytest.fail("generated before the refusal"))
    assert main(["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "d.npz"),
                 "--out", f"{tmp_path / 'new'}/"]) == 1
    assert "would share the class folder 'zero_0'" in capsys.readouterr().err and not (tmp_path / "new").exists()

def test_image_size_reads_a_folder_of_large_photos_smaller(tmp_path, npz, capsys):
    """Photos of hundreds of pixels a side were read at their own size, with no option to read
    them smaller, and training on them took hours on a CPU; --image-size reads them at H×W."""
    from PIL import Image

    from vaeaug import VAEAugmenter

    rng = np.random.default_rng(0)
    data = tmp_path / "photos"
    for label in ("cat", "dog"):
        (data / label).mkdir(parents=True)
        for i in range(4):
            Image.fromarray((rng.random((150, 130, 3)) * 255).astype(np.uint8)).save(data / label / f"{i}.jpg")
    tiny = ["--epochs", "1", "--hidden", "4,8", "--latent-dim", "2", "--method", "noise", "--quiet"]
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m"), "--image-size", "24,20", *tiny]) == 0
    assert VAEAugmenter.load(tmp_path / "m").vae_.config.input_shape == (3, 24, 20)
    assert "--image-size" not in capsys.readouterr().err  # asked for: no hint
    # augment reads the folder at the model's size; the train command's option may be repeated (it
    # was refused as unknown), and another size is refused, as is the option without a folder
    new = ["augment", "--model", str(tmp_path / "m"), "--data", str(data), "--quiet"]
    assert main([*new, "--out", str(tmp_path / "new"), "--image-size", "24,20"]) == 0
    assert len(list((tmp_path / "new" / "cat").glob("*.png"))) == 24  # 3 offspring and 3 moved copies of 4
    assert main([*new, "--out", str(tmp_path / "new2"), "--image-size", "64"]) == 1
    assert "reads images of 24×20 pixels, and augment reads the folder at that size" in capsys.readouterr().err
    assert main([*new[:3], "--data", str(npz), "--out", str(tmp_path / "n.npz"), "--image-size", "24,20"]) == 1
    assert "--image-size reads a folder of images: give one as --data" in capsys.readouterr().err
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "big"), *tiny]) == 0
    assert "images of 150×130 pixels; training on them takes long" in capsys.readouterr().err
    assert main(["train", "--data", str(npz), "--out", str(tmp_path / "n"), "--image-size", "16", *tiny]) == 1
    assert "--image-size reads a folder of images" in capsys.readouterr().err
    assert main(["experiment", "--data", str(npz), "--image-size", "16", "--out", str(tmp_path / "e")]) == 1
    assert "--image-size reads a folder of images" in capsys.readouterr().err
    for bad in ("0", "16,16,3", "big"):
        with pytest.raises(SystemExit):
            main(["train", "--data", str(data), "--out", str(tmp_path / "x"), "--image-size", bad])
        assert "an image size is N (N×N pixels) or H,W" in capsys.readouterr().err


def test_info_says_what_a_saved_model_is_and_makes(tmp_path, npz, capsys):
    import json

    model = tmp_path / "model"
    assert main(["train", "--data", str(npz), "--data-kind", "vector", "--out", str(model), "--epochs", "3",
                 "--hidden", "32,16", "--latent-dim", "4", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["info", "--model", str(model)]) == 0
    text = capsys.readouterr().out
    assert "checksums match" in text and "vectors of shape (64,); 10 classes" in text and "3 epochs" in text
    assert main(["info", "--model", str(model), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    from vaeaug import VAEAugmenter

    aug = VAEAugmenter.load(model)
    assert s["generates"]["method"] == aug.method_ and s["generates"]["n_per_sample"] == aug.n_per_sample_
    assert s["vae"]["latent_dim"] == 4 and s["reason"] == aug.selection_["reason"]
    from .test_reliability import refresh_manifest

    config = json.loads((model / "config.json").read_text())
    config["history"] = {"best_epoch": 0}  # the least the schema lets through: said, not a traceback
    (model / "config.json").write_text(json.dumps(config))
    refresh_manifest(model)
    assert main(["info", "--model", str(model)]) == 0 and "0 epochs" in capsys.readouterr().out
    (model / "model.safetensors").write_bytes(b"damaged")
    assert main(["info", "--model", str(model)]) == 1 and "error" in capsys.readouterr().err


def test_train_takes_unlabeled_samples_as_the_training_data_comes(tmp_path, digit_images, capsys):
    """--unlabeled: an .npz's X, every image under a folder (any layout), a CSV of the training
    table's columns without its label; each reaches fit (a wrong width is refused by fit)."""
    from PIL import Image

    X, y = digit_images
    tiny = ["--epochs", "2", "--hidden", "8,16", "--latent-dim", "2", "--quiet"]
    data, pool = tmp_path / "digits", tmp_path / "pool" / "any" / "depth"
    for label in (3, 7):
        (data / f"d{label}").mkdir(parents=True)
        for i in np.flatnonzero(y == label)[:8]:
            Image.fromarray(X[i]).save(data / f"d{label}" / f"s{i}.png")
    pool.mkdir(parents=True)
    for i in range(12):  # a colour image among them is read grey, as the training images are
        Image.fromarray(X[100 + i]).convert("RGB" if i == 0 else "L").save(pool / f"u{i}.png")
    assert main(["train", "--data", str(data), "--unlabeled", str(tmp_path / "pool"), "--out", str(tmp_path / "m"),
                 *tiny[:-1]]) == 0
    assert "with 12 unlabeled samples" in capsys.readouterr().out
    np.savez(tmp_path / "t.npz", X=X[:40].reshape(40, -1) / 255.0, y=y[:40] % 2)
    np.savez(tmp_path / "u.npz", X=X[40:70].reshape(30, -1) / 255.0)
    np.savez(tmp_path / "narrow.npz", X=np.zeros((30, 5)))
    base = ["train", "--data", str(tmp_path / "t.npz"), "--data-kind", "vector", "--out", str(tmp_path / "v"), *tiny]
    assert main([*base, "--unlabeled", str(tmp_path / "u.npz")]) == 0
    assert main([*base, "--unlabeled", str(tmp_path / "narrow.npz")]) == 1
    assert "X_unlabeled samples have shape (5,)" in capsys.readouterr().err
    table, rows = tmp_path / "t.csv", tmp_path / "rows.csv"
    rng = np.random.default_rng(0)
    table.write_text("a,colour,kind\n" + "".join(f"{rng.normal():.3f},{c},{k}\n" for c, k in
                                                 zip(rng.choice(["red", "blue"], 40), ["x", "y"] * 20)))
    rows.write_text("colour,a\n" + "".join(f"{c},{rng.normal():.3f}\n" for c in rng.choice(["red", "blue"], 25)))
    assert main(["train", "--data", str(table), "--unlabeled", str(rows), "--out", str(tmp_path / "c"),
                 *tiny[:-1]]) == 0
    assert "with 25 unlabeled samples" in capsys.readouterr().out
    assert main(["train", "--data", str(tmp_path / "t.npz"), "--unlabeled", str(rows), "--out", str(tmp_path / "x")]) == 1
    assert "is a CSV, but the training data is not" in capsys.readouterr().err


def test_errors_are_one_line_not_tracebacks(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    np.savez(bad, A=np.zeros(3))
    assert main(["train", "--data", str(bad), "--out", str(tmp_path / "m")]) == 1
    err = capsys.readouterr().err
    assert "has no array 'X'" in err and "Traceback" not in err
    assert main(["augment", "--model", str(tmp_path / "nope"), "--data", str(bad), "--out", "x.npz"]) == 1
    assert "missing" in capsys.readouterr().err


@pytest.mark.parametrize("sub", ["train", "augment"])
def test_help_on_every_subcommand(sub):
    r = subprocess.run([sys.executable, "-m", "vaeaug.cli", sub, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--seed" in r.stdout


def test_experiment_and_datasets_commands(tmp_path, capsys):
    assert main(["datasets"]) == 0
    assert "ujipen-v1" in capsys.readouterr().out
    out = tmp_path / "exp"
    assert main(["experiment", "--dataset", "digits", "--epochs", "2", "--latent-dim", "4", "--amounts", "1",
                 "--quiet", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| SVM |" in printed and "chosen on validation" in printed and "--seeds 3 gives" in printed
    assert (out / "report.html").exists() and (out / "results.json").exists()
    assert main(["experiment", "--dataset", "nope", "--out", str(out)]) == 1
    assert "unknown data set 'nope'" in capsys.readouterr().err


def test_sharded_augment_streams_everything(tmp_path, npz, capsys):
    import json

    model = tmp_path / "model"
    main(["train", "--data", str(npz), "--data-kind", "vector", "--out", str(model), "--epochs", "2", "--hidden", "16,8",
          "--latent-dim", "4", "--quiet"])
    out = tmp_path / "shards"
    assert main(["augment", "--model", str(model), "--data", str(npz), "--method", "noise", "--per-sample", "5",
                 "--strength", "0.5", "--shard-size", "400", "--out", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["samples"] == 1500 and [s["samples"] for s in manifest["shards"]] == [400, 400, 400, 300]
    ys = np.concatenate([load_npz(out / s["file"])["y"] for s in manifest["shards"]])
    assert (np.sort(ys) == np.sort(np.tile(load_npz(npz)["y"], 5))).all()
    mine = tmp_path / "mine"  # a folder of the user's is never replaced by a shard set
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    assert main(["augment", "--model", str(model), "--data", str(npz), "--method", "noise", "--strength", "0.5",
                 "--shard-size", "400", "--out", str(mine), "--quiet"]) == 1
    assert "vaeaug did not write" in capsys.readouterr().err and (mine / "notes.txt").read_text() == "keep"


def test_augment_with_a_method_that_found_no_gain_writes_nothing_and_says_why(tmp_path, npz, capsys, monkeypatch):
    import vaeaug.selection as selection_module

    monkeypatch.setattr(selection_module, "harm_test", lambda wins, losses: 0.0)  # every setting hurts
    model = tmp_path / "model"
    main(["train", "--data", str(npz), "--data-kind", "vector", "--out", str(model), "--epochs", "2", "--hidden", "16,8", "--latent-dim", "4",
          "--on-no-gain", "skip", "--quiet"])
    out = tmp_path / "aug.npz"
    assert main(["augment", "--model", str(model), "--data", str(npz), "--method", "noise", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "NoGainWarning: the harm check rejected every setting of 'noise'" in err and "cli.py" not in err
    assert "no samples made (noise); nothing written" in err and not out.exists()


def test_the_experiment_defaults_to_the_embedded_ujipen_v1():
    from vaeaug.cli import _load_data, build_parser

    args = build_parser().parse_args(["experiment"])
    ds = _load_data(args)
    assert ds.name == "ujipen-v1" and ds.X.shape == (1364, 70, 70) and args.seeds == 1
    train, val, test = ds.train_val_test()
    assert (len(train), len(val), len(test)) == (7 * 124, 124, 3 * 124)  # writers 1-7 / 8 / 9-11


def test_every_subcommand_help_shows_examples():
    for sub in ("train", "augment", "experiment", "info"):
        r = subprocess.run([sys.executable, "-m", "vaeaug.cli", sub, "--help"], capture_output=True, text=True)
        assert "examples:" in r.stdout and f"vaeaug {sub}" in r.stdout
    r = subprocess.run([sys.executable, "-m", "vaeaug.cli", "--version"], capture_output=True, text=True)
    assert r.stdout.startswith("vaeaug ")
    from vaeaug.cli import build_parser

    subs = next(a for a in build_parser()._actions if a.choices and not a.option_strings).choices
    bare = [f"{name} {a.option_strings[0]}" for name, sub in subs.items() for a in sub._actions
            if a.option_strings and not a.help]
    assert not bare, f"options without help: {bare}"  # augment's --device had none


def test_a_reader_that_leaves_early_gets_no_traceback():
    """``vaeaug datasets | head -1``: the pipe closes under the writer, which exits quietly."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line
    try:
        r = subprocess.run([sys.executable, "-m", "vaeaug.cli", "datasets"], stdout=write_end, stderr=subprocess.PIPE,
                           text=True, check=False)
    finally:
        os.close(write_end)
    assert r.returncode == 141 and "Traceback" not in r.stderr, r.stderr


def write_log(path, n_cases: int = 12, shuffle: bool = True) -> list[np.ndarray]:
    """A long CSV of sequences, a row per step (a sensor log): subject, time t, two channels,
    activity; each case's rows shuffled, so that only --time puts them in order."""
    rng = np.random.default_rng(0)
    lines, cases = ["subject,t,ax,ay,activity"], []
    for i in range(n_cases):
        T, label = 20 + i, ["walk", "run"][i % 2]
        s = np.column_stack([np.sin(np.linspace(0, 3 + i % 2, T)), np.cos(np.linspace(0, 6, T)) * (1 + i % 2)])
        cases.append(s)
        for t in (rng.permutation(T) if shuffle else range(T)):
            lines.append(f"c{i},{t * 0.5},{s[t, 0]:.6f},{s[t, 1]:.6f},{label}")
    path.write_text("\n".join(lines) + "\n")
    return cases


def test_a_long_csv_of_sequences_is_read_by_case_in_time_order_and_written_back_alike(tmp_path):
    from vaeaug.data import DataFormatError, load_long_csv, write_long_csv

    cases = write_log(tmp_path / "log.csv")
    ds = load_long_csv(tmp_path / "log.csv", "subject", time="t")
    assert ds.kind == "sequence" and ds.meta["channels"] == ["ax", "ay"] and ds.meta["label"] == "activity"
    assert ds.meta["ids"] == [f"c{i}" for i in range(12)] and list(ds.y[:2]) == ["walk", "run"]
    for got, want in zip(ds.X, cases, strict=True):  # every step, in time order, the time itself left out
        np.testing.assert_allclose(got, want, atol=1e-6)
    swapped = load_long_csv(tmp_path / "log.csv", "subject", time="t", channels=["ay", "ax"], labelled=False)
    assert swapped.y is None and np.array_equal(swapped.X[3], ds.X[3][:, ::-1])  # a model's channels, by name
    write_long_csv(tmp_path / "back.csv", ds.X, ds.y, ds.meta["ids"], ds.meta)
    again = load_long_csv(tmp_path / "back.csv", "subject", time="t")
    assert again.meta["ids"] == ds.meta["ids"] and all(np.allclose(a, b, atol=1e-6) for a, b in zip(again.X, ds.X))
    fine = [s * 1000 + 1 / 3 for s in ds.X]  # 10 significant digits: originals keep them, offspring need only 7
    write_long_csv(tmp_path / "fine.csv", fine, ds.y, ds.meta["ids"], ds.meta, exact_rows=6)
    back = load_long_csv(tmp_path / "fine.csv", "subject", time="t").X
    assert all(np.array_equal(a, b) for a, b in zip(back[:6], fine[:6]))
    assert all(not np.array_equal(a, b) and np.allclose(a, b, rtol=1e-6) for a, b in zip(back[6:], fine[6:]))
    write_log(tmp_path / "ordered.csv", shuffle=False)
    with pytest.warns(UserWarning, match="'t' rises at every step of every case") as record:  # a clock as a channel
        ordered = load_long_csv(tmp_path / "ordered.csv", "subject")
    assert warned_here(record, "rises at every step")
    assert ordered.X[0].shape == (20, 3)
    text = (tmp_path / "log.csv").read_text().splitlines()
    (tmp_path / "mixed.csv").write_text("\n".join([*text[:5], text[5].replace("walk", "run"), *text[6:]]))
    with pytest.raises(DataFormatError, match=r"case 'c0' holds labels \['run', 'walk'\]"):
        load_long_csv(tmp_path / "mixed.csv", "subject", time="t")
    (tmp_path / "gap.csv").write_text("\n".join([*text[:3], "", text[3].replace(text[3].split(",")[2], ""), *text[4:]]))
    with pytest.raises(DataFormatError, match=r"line 5: channel 'ax' is missing \(case 'c0'\)"):  # past the blank
        load_long_csv(tmp_path / "gap.csv", "subject", time="t")
    with pytest.raises(ValueError, match="no column 'patient'"):
        load_long_csv(tmp_path / "log.csv", "patient")


def test_info_counts_a_tables_encoded_features_however_the_model_reads_them(tmp_path, digits, capsys):
    """A CSV of 64 pixel columns, which the model reads as 8×8 pictures, was said to have "8
    features encoded" (the picture's height); a wide table read as sequences, 1 (its channels)."""
    X, y = digits
    table = tmp_path / "pixels.csv"
    table.write_text(",".join(f"p{i}" for i in range(64)) + ",class\n"
                     + "".join(",".join(f"{v:g}" for v in row) + f",{c}\n" for row, c in zip(X[:200], y[:200])))
    for kind, said in (("auto", "64 features encoded, read as 8×8 pictures"),
                       ("sequence", "64 features encoded, read as the steps of one channel, resampled to 64")):
        model = tmp_path / kind
        assert main(["train", "--data", str(table), "--data-kind", kind, "--out", str(model), "--epochs", "1",
                     "--latent-dim", "2", "--quiet"]) == 0, capsys.readouterr().err
        capsys.readouterr()
        assert main(["info", "--model", str(model)]) == 0 and said in capsys.readouterr().out


def test_train_augment_and_info_read_a_long_csv_by_its_sequence_id(tmp_path, capsys):
    from vaeaug.data import load_long_csv

    write_log(tmp_path / "log.csv")
    model, out = tmp_path / "model", tmp_path / "new.csv"
    assert main(["train", "--data", str(tmp_path / "log.csv"), "--sequence-id", "subject", "--time", "t",
                 "--out", str(model), "--epochs", "2", "--hidden", "16", "--latent-dim", "2", "--quiet"]) == 0, \
        capsys.readouterr().err
    assert main(["info", "--model", str(model)]) == 0
    assert "cases by 'subject', steps ordered by 't', 2 channels (ax, ay)" in capsys.readouterr().out
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "log.csv"), "--per-sample", "2",
                 "--compose", "none", "--include-original", "--out", str(out), "--quiet"]) == 0, capsys.readouterr().err
    new = load_long_csv(out, "subject", time="t")  # the training file's columns, a case per sample
    assert new.meta["channels"] == ["ax", "ay"] and len(new.y) == 12 * 3
    assert new.meta["ids"][:2] == ["c0", "c1"] and new.meta["ids"][12:14] == ["c0-vae-0", "c0-vae-1"]
    assert [len(s) for s in new.X[12:14]] == [20, 20]  # each offspring as long as its source
    rows = [r.split(",") for r in out.read_text().splitlines()[1:]]  # times as read: they were rewritten 0, 1, ...
    assert [r[1] for r in rows if r[0] == "c0"] == [r[1] for r in rows if r[0] == "c0-vae-1"] == [
        str(t * 0.5) for t in range(20)]
    assert main(["train", "--data", str(tmp_path / "log.csv"), "--sequence-id", "subject", "--label", "t",
                 "--out", str(model), "--quiet"]) == 1  # a label that changes within a case
    assert "holds labels" in capsys.readouterr().err
    pool = tmp_path / "pool.csv"  # unlabeled cases: no label column, an extra one, the channels reordered
    pool.write_text("\n".join(f"u{i},{t},{np.cos(t / 3 + i):.4f},{np.sin(t / 4):.4f},{i}" for i in range(6)
                              for t in range(15)))
    pool.write_text("subject,t,ay,ax,room\n" + pool.read_text())
    assert main(["train", "--data", str(tmp_path / "log.csv"), "--sequence-id", "subject", "--time", "t",
                 "--unlabeled", str(pool), "--out", str(model), "--epochs", "2", "--hidden", "16", "--latent-dim", "2",
                 "--quiet"]) == 0, capsys.readouterr().err
    assert "with 6 unlabeled samples" in capsys.readouterr().out
    (model / "sequences.json").write_text('{"id": "subject"}')  # its columns lost: refused, not guessed
    assert main(["info", "--model", str(model)]) == 1 and "sequences.json is damaged" in capsys.readouterr().err
    from vaeaug.cli import _load_data, build_parser

    args = build_parser().parse_args(["experiment", "--data", str(tmp_path / "log.csv"), "--sequence-id", "subject",
                                      "--time", "t"])
    ds = _load_data(args)  # the experiment reads it as train does
    assert ds.kind == "sequence" and len(ds) == 12 and len(ds.train_val_test()[0]) > 0


def test_augment_reads_a_csv_for_a_model_fitted_in_python_on_a_frame(tmp_path, capsys):
    """A model fitted in a notebook on a DataFrame, saved, was refused by `vaeaug augment` on a
    CSV of the same columns ("trained on arrays, not on a CSV table"), and `info` called it
    "vectors of shape (4,)". The CSV is read by the frame's columns (its categories by the
    model's encoder), the label is the one other column or --label, and rows of those columns
    are written."""
    import warnings

    import pandas as pd

    from vaeaug import VAEAugmenter

    rng = np.random.default_rng(0)
    y = np.repeat(["p", "q", "r"], 20)
    df = pd.DataFrame({"a": rng.normal(size=60), "b": pd.Categorical(rng.choice(["x", "y"], 60)),
                       "k": rng.integers(0, 5, 60)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # three epochs: a collapse is said, and true
        VAEAugmenter(epochs=3, latent_dim=2, hidden_sizes=(8,), verbose=0, random_state=0).fit(df, y).save(tmp_path / "m")
        VAEAugmenter(epochs=3, latent_dim=2, hidden_sizes=(8,), verbose=0, random_state=0).fit(
            df[["a", "k"]], y).save(tmp_path / "n")
    df.assign(kind=y).to_csv(tmp_path / "t.csv", index=False)
    assert main(["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "t.csv"),
                 "--out", str(tmp_path / "new.csv"), "--per-sample", "2"]) == 0
    new = pd.read_csv(tmp_path / "new.csv")
    assert list(new.columns) == ["a", "b", "k", "kind"] and len(new) == 60 * 2
    assert set(new["b"]) <= {"x", "y"} and set(new["kind"]) <= {"p", "q", "r"} and new["k"].between(0, 4).all()
    assert main(["augment", "--model", str(tmp_path / "n"), "--data", str(tmp_path / "t.csv"),
                 "--out", str(tmp_path / "x.csv")]) == 1
    assert "give the label column with --label" in capsys.readouterr().err
    assert main(["augment", "--model", str(tmp_path / "n"), "--data", str(tmp_path / "t.csv"), "--label", "kind",
                 "--out", str(tmp_path / "num.csv"), "--per-sample", "1"]) == 0
    assert list(pd.read_csv(tmp_path / "num.csv").columns) == ["a", "k", "kind"]
    capsys.readouterr()
    assert main(["info", "--model", str(tmp_path / "m")]) == 0
    assert "a DataFrame of 3 columns (a, b, k; b encoded, 4 features in all), fitted in Python" in capsys.readouterr().out


def test_channels_last_pictures_in_an_npz_are_trained_on_and_written_back_alike(tmp_path):
    """An .npz of (N, H, W, 3) pictures, as Keras holds them: trained on, augmented into an .npz of
    the same layout, and written as a folder of RGB PNG files (the folder writer took channels
    first only)."""
    from PIL import Image

    rng = np.random.default_rng(0)
    y = np.arange(48) % 3
    X = np.zeros((48, 10, 10, 3), np.uint8)
    X[np.arange(48), :, :, y] = 200  # each class its own colour
    X[:, 3:7, 3:7] = rng.integers(0, 255, (48, 4, 4, 3))
    np.savez(tmp_path / "cl.npz", X=X, y=y)
    model = str(tmp_path / "m")
    assert main(["train", "--data", str(tmp_path / "cl.npz"), "--out", model, "--epochs", "2", "--quiet"]) == 0
    assert main(["augment", "--model", model, "--data", str(tmp_path / "cl.npz"), "--out", str(tmp_path / "new.npz"),
                 "--per-sample", "1"]) == 0
    assert load_npz(tmp_path / "new.npz")["X"].shape[1:] == (10, 10, 3)
    assert main(["augment", "--model", model, "--data", str(tmp_path / "cl.npz"), "--out", str(tmp_path / "pngs"),
                 "--per-sample", "1"]) == 0
    corner = {c: np.asarray(Image.open(next((tmp_path / "pngs" / str(c)).glob("*.png"))))[0, 0] for c in range(3)}
    assert all(np.argmax(corner[c]) == c for c in range(3))  # each class's colour in its own channel


def test_experiment_tests_on_a_test_set_of_ones_own_read_as_the_training_data(tmp_path, capsys):
    """``--test``: a CSV of the same columns (in any order, a missing cell filled at the training
    median) or a folder of class folders (colour and other sizes read as the training images
    are) is the test split, whole; errors name a test set that does not fit."""
    import json

    from PIL import Image

    rng = np.random.default_rng(0)
    rows = ["size,colour,class"] + [f"{rng.normal() + 3 * (i % 2):.3f},{'red' if i % 3 else 'blue'},{'ab'[i % 2]}"
                                    for i in range(40)]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "test.csv").write_text("colour,class,size\nred,a,0.1\nblue,b,\nred,b,2.9\n")
    fast = ["--epochs", "2", "--hidden-sizes", "8", "--latent-dim", "2", "--amounts", "1", "-q"]
    out = tmp_path / "run"
    assert main(["experiment", "--data", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv"),
                 "--out", str(out), *fast]) == 0, capsys.readouterr().err
    data = json.loads((out / "results.json").read_text())["dataset"]
    assert data["sizes"]["test"] == 3 and data["sizes"]["train"] + data["sizes"]["val"] == 40
    assert data["meta"]["imputed"] == {"size": 1} and "tested on" in (out / "report.md").read_text()
    for part, n, colour in (("train", 30, False), ("test", 6, True)):
        for i in range(n):
            (tmp_path / part / str(i % 2)).mkdir(parents=True, exist_ok=True)
            im = Image.fromarray(np.full((8, 8), 40 + 150 * (i % 2) + i, np.uint8))
            (im.convert("RGB").resize((12, 12)) if colour else im).save(tmp_path / part / str(i % 2) / f"{i}.png")
    assert main(["experiment", "--data", str(tmp_path / "train"), "--test", str(tmp_path / "test"),
                 "--out", str(tmp_path / "img"), *fast]) == 0, capsys.readouterr().err
    assert json.loads((tmp_path / "img" / "results.json").read_text())["dataset"]["sizes"]["test"] == 6
    capsys.readouterr()
    for args, says in ((["--dataset", "digits", "--test", str(tmp_path / "test")], "a named data set brings its own"),
                       (["--data", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test")],
                        "holds images, but the training data a table"),
                       (["--data", str(tmp_path / "train"), "--test", str(tmp_path / "test.csv")],
                        "give a folder of class folders")):
        assert main(["experiment", *args, "--out", str(tmp_path / "x"), *fast]) == 1
        assert says in capsys.readouterr().err


def test_a_missing_optional_extra_is_one_line_with_its_pip_command(monkeypatch, capsys, tmp_path):
    """Without aeon, `vaeaug experiment --dataset GunPoint` ended in a traceback; now one line, exit 1."""
    import sys

    monkeypatch.setitem(sys.modules, "aeon", None)  # as if vaeaug[timeseries] were not installed
    monkeypatch.setitem(sys.modules, "aeon.datasets", None)
    assert main(["experiment", "--dataset", "GunPoint", "--out", str(tmp_path / "run")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "vaeaug experiment: error: time-series data needs aeon: pip install 'vaeaug[timeseries]'"


class _FailingImport:
    """A meta-path finder that makes one top-level package fail as a stale release does against a newer
    scikit-learn (imbalanced-learn 0.12.0 under scikit-learn 1.6: 'cannot import name parse_version')."""

    def __init__(self, package: str):
        self.package = package

    def find_spec(self, name, path=None, target=None):
        if name.startswith(self.package + "."):  # the package is found; its modules fail as it imports them
            raise ImportError("cannot import name 'parse_version' from 'sklearn.utils'", name="sklearn.utils")


@pytest.mark.parametrize("dist, module, needed_by", [("imbalanced-learn", "imblearn", "vaeaug.sampler"),
                                                      ("matplotlib", "matplotlib", "vaeaug.plots")])
def test_an_optional_package_that_is_installed_but_fails_to_import_is_told_apart_from_a_missing_one(
        monkeypatch, capsys, tmp_path, dist, module, needed_by):
    """With imbalanced-learn 0.12.0 beside scikit-learn 1.6 (both within the declared ranges until
    2026-12-08), VAESampler said 'pip install imbalanced-learn', which was installed; now the error names
    the release and the failure, and the command says to upgrade it."""
    import importlib
    import sys
    from importlib.metadata import version

    pytest.importorskip(module)
    for name in [m for m in sys.modules if m.split(".")[0] == module or m.startswith(("vaeaug.sampler",
                                                                                     "vaeaug.plots",
                                                                                     "vaeaug.experiment"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_FailingImport(module), *sys.meta_path])
    with pytest.raises(ImportError) as caught:
        importlib.import_module(needed_by)
    said = str(caught.value)
    assert f"{dist} {version(dist)} is installed but does not import here" in said
    assert "cannot import name 'parse_version'" in said and f"pip install -U {dist}" in said
    assert main(["experiment", "--dataset", "digits", "--out", str(tmp_path / "run")]) == 1
    said = capsys.readouterr().err.strip().splitlines()[-1]  # after the data set's summary line, no traceback
    assert said.startswith("vaeaug experiment: error: ") and f"pip install -U {dist}" in said
    monkeypatch.setattr(sys, "meta_path", sys.meta_path[1:])
    monkeypatch.setitem(sys.modules, module, None)  # absent, not failing: the install command, as before
    with pytest.raises(ImportError, match=f"needs {dist}: pip install {dist}"):
        importlib.import_module(needed_by)
    assert main(["experiment", "--dataset", "digits", "--out", str(tmp_path / "run")]) == 1  # before any fit
    said = capsys.readouterr().err.strip().splitlines()[-1]
    assert said.startswith("vaeaug experiment: error: ") and f"needs {dist}: pip install" in said


def test_the_experiment_without_its_extra_names_every_missing_package_and_the_extra(monkeypatch, capsys, tmp_path):
    """It named matplotlib alone, with 'pip install matplotlib'; a user who did that met imbalanced-learn next."""
    import sys

    for module in ("matplotlib", "imblearn"):
        monkeypatch.setitem(sys.modules, module, None)  # as if vaeaug[experiment] were not installed
    assert main(["experiment", "--dataset", "digits", "--out", str(tmp_path / "run")]) == 1
    assert capsys.readouterr().err.strip() == ('vaeaug experiment: error: the experiment needs matplotlib and '
                                               'imbalanced-learn: pip install "vaeaug[experiment]"')
