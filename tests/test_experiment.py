"""The experiment end to end on the embedded digits, small and fast, with real assertions."""

import json
from dataclasses import replace

import numpy as np
import pytest

from vaeaug.data import load_digits_dataset
from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment
from vaeaug.experiment.metrics import prdc

TINY = ExperimentConfig(
    seeds=(0,), amounts=(1,),
    strengths={"reconstruction": (None,), "noise": (0.5,), "interpolation": (0.5,), "extrapolation": (0.5,)},
    augmenter_params=dict(epochs=4, latent_dim=4, hidden_sizes=(8, 16), verbose=0),
)


@pytest.fixture(scope="module")
def digits_ds():
    return load_digits_dataset(n_train_per_class=12, n_val_per_class=6)


@pytest.fixture(scope="module")
def result(digits_ds, tmp_path_factory):
    out = tmp_path_factory.mktemp("exp")
    return run_experiment(digits_ds, TINY, out_dir=out, verbose=0), out


def test_every_cell_is_a_measured_number(result):
    r, _ = result
    assert r["columns"] == ["baseline", "reconstruction", "noise", "interpolation", "extrapolation", "SMOTE", "affine",
                            "blur", "affine_blur", "VAE + affine_blur"]
    # the composed column holds the VAE's default offspring and as many blurred affine copies
    assert r["quality"]["VAE + affine_blur"]["n_synthetic"]["mean"] == 2 * r["quality"]["affine"]["n_synthetic"]["mean"]
    assert r["classifiers"] == ["SVM", "k-NN", "NN"]
    for n in r["classifiers"]:
        for c in r["columns"]:
            v = r["table"][n][c]["mean"]
            assert 0.0 < v <= 1.0, (n, c, v)
    assert r["table"]["SVM"]["baseline"]["mean"] > 0.6  # a real classifier on real digits
    for c in r["columns"][1:]:
        assert set(r["quality"][c]) >= {"label_fidelity", "precision", "recall", "density", "coverage"}
        assert r["chosen"][c][0]["n_per_sample"] == 1


def test_json_round_trips_and_report_files_are_valid(result):
    from PIL import Image

    r, out = result
    loaded = json.loads((out / "results.json").read_text())
    assert loaded["table"] == json.loads(json.dumps(r["table"]))
    assert loaded["columns"] == r["columns"] and loaded["per_seed"][0]["seed"] == 0
    pngs = sorted((out / "figures").glob("*.png"))
    names = {p.name for p in pngs}
    assert {"training_curves.png", "latent_space.png", "manifold.png", "offspring.png",
            "interpolation_strips.png", "accuracy.png", "synthetic_scatter.png"} <= names
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(p) as im:
            im.verify()
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(pngs) and "<table>" in html
    md = (out / "report.md").read_text()
    assert "chosen on validation" in md and "| SVM |" in md
    # each figure says what it draws: the offspring figure, what generate makes and the move beside them
    captions = [md.split(f"figures/{p.name})\n\n", 1)[1].split("\n", 1)[0] for p in pngs]
    assert all(c and not c.startswith(("#", "!")) for c in captions)
    assert "then what `generate` makes of it with each method at the setting `fit` chose" in md


def test_the_test_split_is_never_seen_by_fitting_or_selection(digits_ds, result):
    """Scramble the test split (labels and samples): nothing but the test scores may change."""
    r, _ = result
    rng = np.random.default_rng(1)
    test = digits_ds.split["test"]
    X, y = digits_ds.X.copy(), digits_ds.y.copy()
    X[test] = rng.integers(0, 256, size=X[test].shape, dtype=np.uint8)
    y[test] = rng.permutation(y[test])
    scrambled = run_experiment(replace(digits_ds, X=X, y=y), TINY, verbose=0)
    a, b = r["per_seed"][0], scrambled["per_seed"][0]
    assert a["chosen"] == b["chosen"]
    assert a["val_accuracy"] == b["val_accuracy"]
    assert a["vae"]["history"] == b["vae"]["history"]
    assert a["test_accuracy"] != b["test_accuracy"]


def test_rerun_with_the_same_seed_gives_the_same_table(digits_ds, result):
    r, _ = result
    again = run_experiment(digits_ds, TINY, verbose=0)
    assert again["table"] == r["table"]


def test_prdc_behaves():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(300, 4))
    same = prdc(real, rng.normal(size=(300, 4)))
    far = prdc(real, rng.normal(size=(300, 4)) + 10)
    collapsed = prdc(real, rng.normal(size=(300, 4)) * 0.05)
    assert same["precision"] > 0.8 and same["recall"] > 0.8 and same["coverage"] > 0.8
    assert far["precision"] == 0.0 and far["coverage"] == 0.0
    assert collapsed["precision"] > 0.9 and collapsed["coverage"] < 0.3  # faithful but not diverse
    with pytest.raises(ValueError):
        prdc(real[:3], real)


def test_prdc_reads_several_offspring_of_one_source_as_one_draw():
    """Offspring come n a source: at the fakes' k-th neighbour, n >= k + 1 exact copies of a set
    had each ball shrink to its own duplicates (recall 0, as the experiment's copies column showed).
    Radii at the (k·n)-th neighbour score n copies as the set itself, and a tight cloud about
    each source near it."""
    rng = np.random.default_rng(0)
    real, train = rng.normal(size=(300, 4)), rng.normal(size=(100, 4))
    alone = prdc(real, train)
    assert prdc(real, np.repeat(train, 6, axis=0))["recall"] == 0.0  # the raw radii: nothing recalled
    assert prdc(real, np.repeat(train, 6, axis=0), per_source=6) == pytest.approx(alone)
    cloud = prdc(real, np.repeat(train, 6, axis=0) + 0.01 * rng.normal(size=(600, 4)), per_source=6)
    assert cloud["recall"] == pytest.approx(alone["recall"], abs=0.05) and alone["recall"] > 0.5


def test_prdc_holds_a_bounded_block_of_distances_whatever_the_sizes(monkeypatch):
    """The quality metrics held every fake's distance to every fake at once: 27,000 offspring
    (satimage's whole training split, six a sample) took 16 GB, and letter's 84,000 more than the
    machine. Distances now come in blocks of rows; on continuous codes the figures are the same."""
    import tracemalloc

    from vaeaug.experiment import metrics

    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(400, 6)), rng.normal(size=(2500, 6)) * 1.2
    whole = prdc(real, fake, per_source=3)  # 6.3 M distances: one block
    monkeypatch.setattr(metrics, "BLOCK", 2**16)
    tracemalloc.start()
    blocked = prdc(real, fake, per_source=3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert blocked == whole and peak < 8 * 2**20  # a block is 0.5 MB; the fakes' own distances 50 MB


def test_val_chosen_picks_by_validation_never_by_test():
    from vaeaug.experiment.evaluation import val_chosen

    def rec(val, test):
        return {"val_accuracy": {"SVM": val}, "test_accuracy": {"SVM": test}}

    records = [
        rec({"baseline": 0.5, "noise": 0.6, "interpolation": 0.7}, {"baseline": 0.5, "noise": 0.9, "interpolation": 0.55}),
        rec({"baseline": 0.5, "noise": 0.8, "interpolation": 0.8}, {"baseline": 0.4, "noise": 0.45, "interpolation": 0.99}),
    ]
    out = val_chosen(records, ["noise", "interpolation"], ["SVM"])["SVM"]
    assert out["picks"] == ["interpolation", "noise"]  # seed 2: a tie goes to the first method
    np.testing.assert_allclose(out["values"], [0.55, 0.45])
    np.testing.assert_allclose(out["gain"]["values"], [0.05, 0.05])
    # a tie goes first to the method that added fewer synthetic samples (one fit found no gain
    # for adds none: validation does not support changing the training set)
    for r, n_noise in zip(records, (300, 0)):
        r["quality"] = {"noise": {"n_synthetic": n_noise}, "interpolation": {"n_synthetic": 100}}
    assert val_chosen(records, ["noise", "interpolation"], ["SVM"])["SVM"]["picks"] == ["interpolation", "noise"]
    records[1]["quality"]["noise"]["n_synthetic"] = 300
    picks = val_chosen(records, ["noise", "interpolation"], ["SVM"])["SVM"]["picks"]
    assert picks == ["interpolation", "interpolation"]


def test_a_method_that_makes_nothing_is_pictured_by_its_best_scored_candidate():
    from vaeaug.experiment.figures import best_scored

    rows = [("noise", "residual", 0.25, -1.0), ("noise", "residual", 0.5, 0.5), ("noise", "warp", 1.0, 0.5),
            ("noise", "warp", 2.0, -3.0), ("interpolation", "warp", 0.5, 4.0)]
    sel = {"candidates": [{"method": m, "decoding": d, "strength": s, "gain": g} for m, d, s, g in rows]}
    assert best_scored(sel, "noise") == (0.5, "residual")  # the best estimate; a tie to the milder strength
    assert best_scored({}, "noise") == (0.5, "residual")


def test_tables_show_the_method_their_defaults_use():
    from vaeaug.experiment.evaluation import columns_for

    cols = columns_for(ExperimentConfig(), "vector")
    assert cols[:6] == ["baseline", "reconstruction", "noise", "interpolation", "extrapolation", "mixed"]
    assert "mixed" not in columns_for(ExperimentConfig(), "image")


def test_tables_show_exact_copies_beside_which_1nn_is_blind(digits_ds):
    from vaeaug.data import Dataset
    from vaeaug.experiment.baselines import copies

    X_c, y_c = copies(np.arange(6).reshape(3, 2), np.array([0, 1, 1]), 2)  # each source twice, in order
    assert X_c[:, 0].tolist() == [0, 0, 2, 2, 4, 4] and y_c.tolist() == [0, 0, 1, 1, 1, 1]
    table = Dataset(name="digits-table", X=digits_ds.X.reshape(len(digits_ds.X), -1).astype(np.float64),
                    y=digits_ds.y, kind="vector", split=digits_ds.split)
    config = replace(TINY, methods=(), comparators=("SMOTE", "copies", "affine"), amounts=(2,),
                     strengths={**TINY.strengths, "mixed": (0.5,)})
    r = run_experiment(table, config, verbose=0)
    assert r["columns"] == ["baseline", "mixed", "SMOTE", "copies"]  # no image move on a table
    assert r["quality"]["copies"]["n_synthetic"]["mean"] == 2 * len(digits_ds.split["train"])
    # a 1-NN's nearest copy is its source: the same predictions as real data alone
    assert r["table"]["k-NN"]["copies"]["mean"] == r["table"]["k-NN"]["baseline"]["mean"]
    from vaeaug.experiment.evaluation import columns_for

    assert "copies" not in columns_for(ExperimentConfig(), "image")


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a tiny VAE: the mechanics only
def test_per_class_trains_on_a_fresh_scarce_cut_per_seed_and_tests_on_the_whole_split(digits_ds):
    """``per_class``: N training samples a class (a fifth as many validating), drawn per seed, the
    test split whole, as the suite measures; the summary says so."""
    from vaeaug.experiment.evaluation import scarce
    from vaeaug.experiment.report import data_summary

    train, val, test = digits_ds.train_val_test()
    cuts = [scarce(train, val, 5, seed) for seed in (0, 1)]
    for tr, va in cuts:
        assert np.bincount(tr.y).tolist() == [5] * 10 and np.bincount(va.y).tolist() == [1] * 10
    assert not np.array_equal(cuts[0][0].X, cuts[1][0].X)  # each seed its own draw
    assert scarce(train, val, None, 0) == (train, val)
    config = replace(TINY, seeds=(0, 1), methods=("noise",), comparators=(), per_class=5)
    r = run_experiment(digits_ds, config, verbose=0)
    assert r["dataset"]["sizes"] == {"train": 50, "val": 10, "test": len(test)}
    assert all(rec["quality"]["noise"]["n_synthetic"] == 50 for rec in r["per_seed"])  # one per sample
    assert "trained on 5 per class (50 samples, 10 validating), drawn per seed" in data_summary(r)
    few = {**r, "config": {**r["config"], "per_class": 100}}  # classes hold fewer: "100 per class" of 50 was false
    assert "trained on up to 100 per class (50 samples, 10 validating; a class that holds fewer gives all it has)" \
        in data_summary(few)


def test_an_interrupt_after_a_seed_keeps_its_report(digits_ds, tmp_path, monkeypatch, capsys):
    """Ctrl-C in seed 1 of 2: seed 0's report is written, marked interrupted, and the interrupt
    goes on (a CLI exit of 130 naming it). The seeds done were lost with the run."""
    from vaeaug.experiment import ExperimentInterrupted, evaluation

    real = evaluation.run_seed

    def stopped_at_seed_1(tr, va, test, seed, *a, **k):
        if seed == 1:
            raise KeyboardInterrupt
        return real(tr, va, test, seed, *a, **k)

    monkeypatch.setattr(evaluation, "run_seed", stopped_at_seed_1)
    with pytest.raises(ExperimentInterrupted) as stop:
        run_experiment(digits_ds, replace(TINY, seeds=(0, 1)), out_dir=tmp_path / "exp", verbose=0)
    saved = json.loads((tmp_path / "exp" / "results.json").read_text())
    assert saved["seeds"] == stop.value.result["seeds"] == [0] and saved["interrupted"] == {"seeds_asked": [0, 1]}
    assert "**Interrupted:** seed(s) [0] of the [0, 1]" in (tmp_path / "exp" / "report.md").read_text()
    with pytest.raises(KeyboardInterrupt):  # nothing done yet, or no folder to keep it in: the plain interrupt
        run_experiment(digits_ds, replace(TINY, seeds=(1,)), out_dir=tmp_path / "none", verbose=0)
    assert not (tmp_path / "none").exists()
    from vaeaug.cli import main

    assert main(["experiment", "--dataset", "digits", "--seeds", "2", "--epochs", "2", "--latent-dim", "4",
                 "--amounts", "1", "--quiet", "--out", str(tmp_path / "cli")]) == 130
    assert f"interrupted after seed(s) [0] of [0, 1]; their report is in {tmp_path / 'cli'}" in capsys.readouterr().err


def test_a_report_folder_of_the_users_is_refused_before_the_run(result, digits_ds, tmp_path):
    """A report.md (or results.json ...) that vaeaug did not write is not replaced; a folder that
    holds an earlier report of vaeaug's is written again."""
    from vaeaug.experiment.report import refuse_foreign_report

    (tmp_path / "report.md").write_text("# my notes")
    with pytest.raises(ValueError, match=r"holds \['report.md'\] that vaeaug did not write"):
        run_experiment(digits_ds, TINY, out_dir=tmp_path, verbose=0)
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    refuse_foreign_report(result[1])  # the earlier run's own folder: no error


def test_a_users_frame_runs_the_experiment_as_a_csv_would():
    """run_experiment on one's own data: a DataFrame X failed on a KeyError of row positions and a
    Series y too; a config naming the paper's four methods failed on KeyError 'mixed' (the
    tables' default method); and an unknown kind ran as if it were one. A frame is now read as a
    CSV is (categories encoded, ``encoder``), a method not named takes fit's strength, and the
    kind is checked."""
    import pandas as pd

    from vaeaug.data import Dataset

    rng = np.random.default_rng(0)
    y = pd.Series(np.repeat(["a", "b", "c"], 30), name="kind")
    df = pd.DataFrame(rng.normal(size=(90, 4)) + np.repeat(np.arange(3), 30)[:, None], columns=list("pqrs"))
    ds = Dataset("mine", df.assign(colour=pd.Categorical(rng.choice(["red", "blue"], 90))), y, "vector")
    assert ds.X.dtype == np.float64 and ds.X.shape == (90, 6) and ds.encoder.kinds_[-1] == "categorical"
    assert isinstance(ds.y, np.ndarray)
    r = run_experiment(ds, TINY, verbose=0)
    assert "mixed" in r["columns"] and 0.5 < r["table"]["SVM"]["baseline"]["mean"] <= 1.0
    assert Dataset("numbers", df, y, "vector").encoder is None
    with pytest.raises(ValueError, match=r"kind must be one of \('image', 'vector', 'sequence'\), got 'table'"):
        Dataset("mine", df.to_numpy(), y, "table")
    with pytest.raises(ValueError, match="X is a DataFrame, a table: kind='vector' reads it"):
        Dataset("mine", df, y, "sequence")
    with pytest.raises(ValueError, match="90 samples but 89 labels"):
        Dataset("mine", df, y[:89], "vector")


def test_a_users_lists_of_pictures_or_sequences_make_a_dataset():
    """A list of PIL images, or of 1-D recordings, as Dataset's X failed in the split
    ("only integer scalar arrays can be converted to a scalar index"): the split indexes X by
    arrays of rows. Lists are read as the model reads them: pictures as an image folder is,
    sequences as an object array of (T_i, C) arrays."""
    from PIL import Image

    from vaeaug.data import Dataset

    pil = [Image.fromarray(np.full((6, 5), 40 * (i % 3), np.uint8)) for i in range(9)]
    ds = Dataset("pil", pil, [0, 1, 2] * 3, "image")
    assert ds.X.shape == (9, 6, 5) and ds.X.dtype == np.uint8 and isinstance(ds.y, np.ndarray)
    assert ds.subset(np.array([1, 4])).X[1, 0, 0] == 40
    rng = np.random.default_rng(0)
    seqs = Dataset("waves", [rng.normal(size=n) for n in (5, 7, 9, 6)], np.array([0, 1, 0, 1]), "sequence")
    assert seqs.X.dtype == object and [s.shape for s in seqs.subset(np.array([0, 2])).X] == [(5, 1), (9, 1)]
    keras = np.zeros((9, 8, 8, 3), np.uint8)  # (N, H, W, C): the experiment's moves read channels first
    keras[..., 2] = 7
    assert Dataset("keras", keras, [0, 1, 2] * 3, "image").X[0, 2, 0, 0] == 7


def test_too_few_samples_for_three_splits_are_said_with_the_smallest_class():
    from vaeaug.data import Dataset

    tiny = Dataset("tiny", np.array([[1.0, 2.0], [2.0, 3.0], [7.0, 8.0]]), np.array(["x", "x", "y"]), "vector")
    with pytest.raises(ValueError, match=r"split of tiny is empty: its 3 samples \(the smallest class, 'y', holds 1\) "
                                         r"cannot fill .*, or a test set of their own \(--test\)"):
        run_experiment(tiny, TINY, verbose=0)


def test_the_experiment_runs_whatever_output_sklearn_is_set_to(digits_ds, tmp_path):
    """A user's sklearn.set_config(transform_output="pandas") made the PCA of the quality metrics and
    the augmenter's codes frames, and the experiment failed with KeyError: (slice(None, None, None), 0)."""
    import sklearn

    with sklearn.config_context(transform_output="pandas"):
        r = run_experiment(digits_ds, replace(TINY, classifiers=("k-NN",)), out_dir=tmp_path, verbose=0)
    assert 0.0 < r["table"]["k-NN"]["baseline"]["mean"] <= 1.0 and (tmp_path / "report.html").exists()
