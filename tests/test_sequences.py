"""Sequences, the third data kind: ragged in, ragged out; the kind as documented; a sequence VAE
that learns; save → load; time-warp decoding; aeon's data and a malformed ``.ts`` file."""

from __future__ import annotations

import numpy as np
import pytest

from vaeaug import VAEAugmenter
from vaeaug.timewarp import dtw_alignment, shift_along

from .conftest import warned_here

SMALL = dict(compose="none", epochs=15, batch_size=16, latent_dim=4, hidden_sizes=(16, 32), verbose=0, random_state=0)


def waves(n_per_class: int = 12, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """Two classes of noisy 2-channel curves (a sine and a ramp) of 20-40 steps: ragged."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for label in (0, 1):
        for _ in range(n_per_class):
            t = np.linspace(0, 1, int(rng.integers(20, 41)))
            base = np.sin(2 * np.pi * t) if label == 0 else 2 * t - 1
            X.append(np.column_stack([base, -base]) + 0.1 * rng.standard_normal((len(t), 2)))
            y.append(label)
    return X, np.array(y)


@pytest.fixture(scope="module")
def fitted_waves():
    X, y = waves()
    aug = VAEAugmenter(**SMALL, strength=0.5, decoding="residual", method="interpolation").fit(X, y)
    return aug, X, y


def test_ragged_in_ragged_out_each_offspring_as_long_as_its_source(fitted_waves):
    aug, X, y = fitted_waves
    X_new, y_new, codes = aug.generate(X, y, n_per_sample=2, return_codes=True)
    assert isinstance(X_new, list) and len(X_new) == 2 * len(X) == len(y_new)
    assert [len(s) for s in X_new] == [len(X[i]) for i in codes.source]
    assert all(s.shape[1] == 2 and np.isfinite(s).all() for s in X_new)
    assert (y_new == y[codes.source]).all()
    rec = aug.reconstruct(X, y)
    assert [r.shape for r in rec] == [x.shape for x in X]
    X_res, y_res = VAEAugmenter(**SMALL, strength=0.5, decoding="residual").fit_resample(X, y)
    assert isinstance(X_res, list) and len(X_res) == len(y_res) == 4 * len(X)


def test_a_sequence_vae_lowers_its_validation_loss(fitted_waves):
    aug, _, _ = fitted_waves
    val = aug.history_["val_loss"]
    assert aug.config_.architecture == "tconv"
    assert min(val) < val[0] - 1.0, val


def test_save_then_load_gives_identical_decodes(fitted_waves, tmp_path):
    aug, X, y = fitted_waves
    aug.save(tmp_path / "m")
    back = VAEAugmenter.load(tmp_path / "m", device="cpu")
    Z = aug.transform(X)
    np.testing.assert_array_equal(back.transform(X), Z)
    a, b = aug.inverse_transform(Z, y, [len(s) for s in X]), back.inverse_transform(Z, y, [len(s) for s in X])
    assert all(np.array_equal(p, q) for p, q in zip(a, b))


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # 2 epochs of noise: only the kind matters
def test_data_kind_resolves_nhw_against_ntc_as_documented():
    rng = np.random.default_rng(0)
    X = rng.random((24, 16, 3)).astype(np.float32)  # an (N, H, W) image stack, or (N, T, C) sequences
    y = np.repeat([0, 1], 12)
    with pytest.warns(UserWarning, match=r"read as images of 16×3 pixels; if each is a series of 16 steps"):
        as_images = VAEAugmenter(**{**SMALL, "epochs": 2}, strength=0.5, decoding="residual").fit(X, y)
    assert as_images.config_.architecture == "conv" and as_images.vae_.kind == "image"
    as_seq = VAEAugmenter(**{**SMALL, "epochs": 2}, data_kind="sequence", strength=0.5,
                          decoding="residual").fit(X, y)
    assert as_seq.vae_.kind == "sequence" and as_seq.config_.input_shape == (3, 16)
    X_new, _ = as_seq.generate(X, y, n_per_sample=1)
    assert isinstance(X_new, np.ndarray) and X_new.shape == X.shape and X_new.dtype == X.dtype  # array in, array out
    longer = np.repeat(X[:4], 2, axis=1)  # (4, 32, 3): offspring as long as these sources
    assert as_seq.generate(longer, y[:4], n_per_sample=1)[0].shape == (4, 32, 3)
    listed = VAEAugmenter(**{**SMALL, "epochs": 2}, strength=0.5, decoding="residual").fit(list(X), y)
    assert listed.vae_.kind == "sequence"  # "auto": a list of 2-D arrays is sequences
    with pytest.raises(ValueError, match="needs sequences"):
        VAEAugmenter(**SMALL, architecture="tconv").fit(X.reshape(24, -1), y)


def test_time_warp_recovers_a_known_warp():
    t = np.linspace(0, 1, 60)
    warped, plain = np.sin(2 * np.pi * t ** 1.3)[None, None], np.sin(2 * np.pi * t)[None, None]
    moved = shift_along(warped, dtw_alignment(warped, plain))
    assert np.abs(moved - plain).mean() < 0.2 * np.abs(warped - plain).mean()


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # two epochs, 24 one-step samples
def test_sequences_of_one_step_are_warped_as_they_are():
    """aeon's (N, channels, time) given as sequences reads as one step over many channels (and is
    warned about); generate crashed in the time-warped copies ("`x` must be strictly increasing",
    a spline through knots at one place). A one-step sequence's warp is itself."""
    from vaeaug.moves import time_warp

    one = [np.arange(3.0)[None]] * 2
    assert all(np.array_equal(s, one[0]) for s in time_warp(one, np.zeros(2), 2)[0])
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(24, 1, 10)), np.repeat([0, 1], 12)
    with pytest.warns(UserWarning, match=r"sequences of 1 step\(s\) over 10 channels"):
        aug = VAEAugmenter(**{**SMALL, "compose": "time_warp", "epochs": 2}, data_kind="sequence").fit(X, y)
    for method in ("noise", "interpolation"):
        assert aug.generate(X, y, method, 2, strength=0.5)[0].shape == (96, 1, 10)  # offspring and warped copies


def test_timewarp_decoding_keeps_the_source_values(fitted_waves):
    aug, X, y = fitted_waves
    X_new, _, codes = aug.generate(X, y, "noise", 1, strength=1.0, decoding="timewarp", return_codes=True)
    for s, i in zip(X_new, codes.source):  # moved along time only: values within the source's own range
        assert s.min() >= X[i].min() - 1e-6 and s.max() <= X[i].max() + 1e-6


def test_cli_augment_takes_the_timewarp_decoding(fitted_waves, tmp_path, capsys):
    from vaeaug.cli import main
    from vaeaug.fileio import load_npz, pack_ragged, unpack_ragged

    aug, X, y = fitted_waves
    aug.save(tmp_path / "model")
    np.savez(tmp_path / "w.npz", **pack_ragged("X", X), y=y)
    assert main(["augment", "--model", str(tmp_path / "model"), "--data", str(tmp_path / "w.npz"), "--method", "noise",
                 "--strength", "1.0", "--decoding", "timewarp", "--per-sample", "1", "--compose", "none",
                 "--out", str(tmp_path / "o.npz"), "--quiet"]) == 0, capsys.readouterr().err
    out = load_npz(tmp_path / "o.npz")
    for s, i in zip(unpack_ragged(out, "X"), out["source"]):  # moved along time only, as the API's timewarp
        assert s.min() >= X[i].min() - 1e-6 and s.max() <= X[i].max() + 1e-6


def test_sequence_errors_name_the_sample():
    X, y = waves(4)
    X[3] = X[3][:, :1]
    with pytest.raises(ValueError, match=r"sample 3 is \(\d+, 1\)"):
        VAEAugmenter(**SMALL).fit(X, y)
    X, y = waves(4)
    X[5][2, 1] = np.nan
    with pytest.raises(ValueError, match=r"X\[5\] at step 2, channel 1 holds") as missing:
        VAEAugmenter(**SMALL).fit(X, y)
    assert "tslearn" not in str(missing.value)  # a missing value inside a sequence is no padding
    X, y = waves(4)  # unequal lengths padded with NaN to one (N, T, C) array, as tslearn stores them
    padded = np.full((len(X), max(map(len, X)), 2), np.nan)
    for i, s in enumerate(X):
        padded[i, : len(s)] = s
    with pytest.raises(ValueError, match=r"as tslearn pads .*\[s\[~np.isnan\(s\).all\(axis=1\)\] for s in X\]"):
        VAEAugmenter(**SMALL, data_kind="sequence").fit(padded, y)
    with pytest.raises(ValueError, match="as tslearn pads unequal lengths.*data_kind='sequence'"):
        VAEAugmenter(**SMALL).fit(padded, y)  # read as images: the hint names the kind too
    seqs = [s[~np.isnan(s).all(axis=1)] for s in padded]  # the recipe the message gives
    X_new, _ = VAEAugmenter(**{**SMALL, "epochs": 2}).fit(seqs, y).generate(seqs, y, n_per_sample=1)
    assert [len(s) for s in X_new] == [len(s) for s in X]


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # one epoch: only the reading matters
def test_sequences_stored_channels_first_as_aeon_holds_them_are_warned_about():
    X, y = waves(6)
    stack = np.stack([s[:20].T for s in X])  # (N, channels, time): aeon's and sktime's layout
    one = {**SMALL, "epochs": 1}
    with pytest.warns(UserWarning, match=r"read as images of 2×20 pixels.*X.transpose\(0, 2, 1\)") as record:
        VAEAugmenter(**one).fit(stack, y)
    with pytest.warns(UserWarning, match=r"sequences of 2 step\(s\) over 20 channels.*X.transpose\(0, 2, 1\)") as more:
        VAEAugmenter(**one, data_kind="sequence").fit(stack, y)
    assert warned_here(record, "read as images") and warned_here(more, "over 20 channels")  # at the user's fit, however deep it was found
    with pytest.warns(UserWarning, match=r"\[s.T for s in X\]"):
        VAEAugmenter(**one).fit(list(stack), y)
    with pytest.raises(ValueError, match=r"\(channels, time\).*\[s.T for s in X\]"):  # ragged: lengths vary in axis 1
        VAEAugmenter(**one).fit([s.T for s in X], y)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # time first, as vaeaug reads it: no warning
        VAEAugmenter(**one, data_kind="sequence").fit(stack.transpose(0, 2, 1), y)
        VAEAugmenter(**one).fit(X, y)


def test_aeon_sets_load_offline_time_first():
    pytest.importorskip("aeon", reason="time-series data needs vaeaug[timeseries]")
    from vaeaug.data import load_dataset

    ds = load_dataset("JapaneseVowels")
    assert ds.kind == "sequence" and len(ds.split["train"]) == 270 and len(ds.split["test"]) == 370
    assert all(s.shape[1] == 12 for s in ds.X) and {len(s) for s in ds.X} >= {7, 29}


def test_a_malformed_ts_file_gets_an_error_naming_it(tmp_path):
    pytest.importorskip("aeon", reason="time-series data needs vaeaug[timeseries]")
    from vaeaug.data import DataFormatError, load_path

    bad = tmp_path / "broken_TRAIN.ts"
    bad.write_text("@problemName broken\n@timeStamps false\n@univariate true\n@classLabel true a b\n@data\n"
                   "1.0,2.0,oops:a\n3.0:b:c\n")
    with pytest.raises(DataFormatError, match="broken_TRAIN.ts"):
        load_path(bad)


def test_uji_trajectories_round_trip_to_strokes():
    from vaeaug.data.trajectories import strokes_to_trajectory, trajectory_to_strokes

    strokes = [np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 2.0]]), np.array([[3.0, 0.0], [3.0, 1.0]])]
    back = trajectory_to_strokes(strokes_to_trajectory(strokes))
    assert [len(s) for s in back] == [3, 2]
    scale = 3.0  # the box's longer side
    np.testing.assert_allclose(np.diff(back[0], axis=0), np.diff(strokes[0], axis=0) / scale, atol=1e-12)


def _wave_dataset(n_per_class: int = 10):
    from vaeaug.data.dataset import Dataset

    X, y = waves(n_per_class)
    obj = np.empty(len(X), dtype=object)
    obj[:] = X
    return Dataset(name="waves", X=obj, y=y, kind="sequence", meta={})


def test_experiment_on_sequences_scores_dtw_and_the_time_series_augmenters(tmp_path):
    pytest.importorskip("aeon", reason="1-NN DTW needs vaeaug[timeseries]")
    from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment

    config = ExperimentConfig(seeds=(0,), methods=("interpolation",), classifiers=("SVM", "k-NN", "1-NN DTW"),
                              comparators=("SMOTE", "affine", "time warp", "VAE + time warp"),
                              augmenter_params={k: v for k, v in SMALL.items() if k != "verbose"} | {"epochs": 4})
    r = run_experiment(_wave_dataset(), config, out_dir=tmp_path, verbose=0)
    assert r["columns"] == ["baseline", "interpolation", "SMOTE", "time warp", "VAE + time warp"]  # no affine
    assert r["classifiers"] == ["SVM", "k-NN", "1-NN DTW"]
    q = r["per_seed"][0]["quality"]
    assert q["VAE + time warp"]["n_synthetic"] == q["interpolation"]["n_synthetic"] + q["time warp"]["n_synthetic"]
    for c in r["columns"]:
        assert 0.0 <= r["table"]["1-NN DTW"][c]["mean"] <= 1.0
    assert (tmp_path / "figures" / "offspring.png").stat().st_size > 0  # drawn as curves
    assert (tmp_path / "figures" / "interpolation_strips.png").stat().st_size > 0
    assert "| 1-NN DTW |" in (tmp_path / "report.md").read_text()


def test_cli_trains_and_augments_ragged_sequences_from_an_npz(tmp_path, capsys):
    from vaeaug.cli import main
    from vaeaug.fileio import load_npz, pack_ragged, save_npz, unpack_ragged

    X, y = waves(6)
    save_npz(tmp_path / "seq.npz", **pack_ragged("X", X), y=y)
    assert main(["train", "--data", str(tmp_path / "seq.npz"), "--out", str(tmp_path / "m"), "--epochs", "2",
                 "--latent-dim", "4", "--compose", "none", "--quiet"]) == 0
    assert main(["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "seq.npz"), "--out",
                 str(tmp_path / "new.npz"), "--method", "noise", "--strength", "0.5", "--per-sample", "2",
                 "--quiet"]) == 0
    got = load_npz(tmp_path / "new.npz")
    X_new = unpack_ragged(got, "X")
    assert len(X_new) == len(got["y"]) == 2 * len(X)
    assert [len(s) for s in X_new] == [len(X[i]) for i in got["source"]]  # lengths inherited
    with pytest.raises(ValueError, match="X_lengths"):
        unpack_ragged({"X_values": np.zeros((5, 2)), "X_lengths": np.array([2, 2])}, "X")


def test_dtw_is_left_out_with_a_reason_when_it_would_take_too_long(tmp_path):
    from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment

    pytest.importorskip("aeon", reason="1-NN DTW needs vaeaug[timeseries]")
    config = ExperimentConfig(seeds=(0,), methods=(), classifiers=("k-NN", "1-NN DTW"), comparators=("SMOTE",),
                              dtw_max_cells=1.0, augmenter_params={"epochs": 2, "latent_dim": 4})
    r = run_experiment(_wave_dataset(6), config, out_dir=tmp_path, verbose=0)
    assert r["classifiers"] == ["k-NN"]
    assert "1-NN DTW is left out: one fit would compute" in (tmp_path / "report.md").read_text()


def test_dtw_is_left_out_with_a_reason_without_aeon(tmp_path, monkeypatch):
    """Without aeon the sequences' fourth classifier vanished from the report without a word."""
    import sys

    from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment

    monkeypatch.setitem(sys.modules, "aeon", None)  # as if vaeaug[timeseries] were not installed
    config = ExperimentConfig(seeds=(0,), methods=(), classifiers=("k-NN", "1-NN DTW"), comparators=(),
                              augmenter_params={"epochs": 2, "latent_dim": 4})
    r = run_experiment(_wave_dataset(6), config, out_dir=tmp_path, verbose=0)
    assert r["classifiers"] == ["k-NN"]
    assert "1-NN DTW is left out: it needs aeon, which is not installed" in (tmp_path / "report.md").read_text()


def _write_ts(path, X, y) -> None:
    """A multivariate .ts file (UCR/UEA format): one line per series, channels split by ':'."""
    head = (f"@problemName {path.stem}\n@timeStamps false\n@missing false\n@univariate false\n"
            f"@dimensions {X[0].shape[1]}\n@equalLength false\n@classLabel true {' '.join(map(str, np.unique(y)))}\n"
            "@data\n")
    rows = [":".join(",".join(f"{v:.5f}" for v in s[:, c]) for c in range(s.shape[1])) + f":{label}"
            for s, label in zip(X, y)]
    path.write_text(head + "\n".join(rows) + "\n")


def test_cli_experiment_reads_a_ts_file_with_its_test_file_beside(tmp_path, capsys):
    pytest.importorskip("aeon", reason="time-series data needs vaeaug[timeseries]")
    from vaeaug.cli import main

    X, y = waves(8, seed=1)
    X_te, y_te = waves(5, seed=2)
    _write_ts(tmp_path / "waves_TRAIN.ts", X, y)
    _write_ts(tmp_path / "waves_TEST.ts", X_te, y_te)
    assert main(["experiment", "--data", str(tmp_path / "waves_TRAIN.ts"), "--out", str(tmp_path / "run"),
                 "--epochs", "2", "--latent-dim", "4", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "| 1-NN DTW |" in out and "time warp" in out
    assert "Beside the paper" not in out
    import json

    r = json.loads((tmp_path / "run" / "results.json").read_text())
    assert r["dataset"]["sizes"]["test"] == len(X_te)  # the _TEST file is the test split


def test_npz_sequences_load_ragged_or_as_named_and_a_bad_one_is_named(tmp_path):
    from vaeaug.data import DataFormatError, load_path
    from vaeaug.fileio import pack_ragged, save_npz

    X, y = waves(4)
    save_npz(tmp_path / "ragged.npz", **pack_ragged("X", X), y=y)
    ds = load_path(tmp_path / "ragged.npz")
    assert ds.kind == "sequence" and [s.shape for s in ds.X] == [s.shape for s in X]
    fixed = np.stack([s[:20] for s in X])  # (N, 20, 2): images unless named
    save_npz(tmp_path / "fixed.npz", X=fixed, y=y, X_test=fixed[:3], y_test=y[:3])
    assert load_path(tmp_path / "fixed.npz").kind == "image"
    ds = load_path(tmp_path / "fixed.npz", kind="sequence")
    assert ds.kind == "sequence" and ds.X[0].shape == (20, 2) and len(ds.split["test"]) == 3
    save_npz(tmp_path / "bad.npz", X_values=np.zeros((7, 2)), X_lengths=np.array([3, 3]), y=np.array([0, 1]))
    with pytest.raises(DataFormatError, match="bad.npz"):
        load_path(tmp_path / "bad.npz")


def test_vae_sampler_fills_a_class_of_ragged_sequences_each_as_long_as_its_source():
    pytest.importorskip("imblearn", reason="VAESampler needs imbalanced-learn")
    from vaeaug import VAESampler

    X, y = waves(10)
    X, y = X[:14], y[:14]  # 10 sines, 4 ramps
    sampler = VAESampler(VAEAugmenter(**{**SMALL, "epochs": 3}))
    X_res, y_res = sampler.fit_resample(X, y)
    assert isinstance(X_res, list) and np.bincount(y_res).tolist() == [10, 10]
    assert [len(s) for s in X_res] == [len(X[i]) for i in sampler.sample_indices_]
    assert all(y[i] == 1 for i in sampler.sample_indices_[14:])


def spikes(n_per_class: int = 15, steps: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two classes of noisy traces with sharp spikes (every 7 or 9 steps): detail a short model
    length cannot hold."""
    rng = np.random.default_rng(seed)
    X = 0.1 * rng.standard_normal((2 * n_per_class, steps, 1))
    X[:n_per_class, ::7] += 5.0
    X[n_per_class:, ::9] += 5.0
    return X, np.repeat([0, 1], n_per_class)


def test_residual_offspring_of_sequences_longer_than_the_model_keep_their_detail(monkeypatch):
    """A source longer than the model is moved at its own length by the decoded change, not
    replaced by a decode resampled up: near-copies stay near their sources, spikes included."""
    import vaeaug.sequences as sequences
    from vaeaug.sequences import resample

    monkeypatch.setattr(sequences, "MAX_MODEL_LENGTH", 32)
    X, y = spikes()
    aug = VAEAugmenter(**{**SMALL, "epochs": 4, "data_kind": "sequence"}, method="noise", strength=0.05, decoding="residual").fit(X, y)
    assert aug.vae_.preprocessor.length == 32
    X_new, y_new, codes = aug.generate(X[::5], y[::5], n_per_sample=2, return_codes=True)
    src = X[::5][codes.source]
    assert X_new.shape == (12, 200, 1)
    through = np.stack([resample(resample(s, 32), 200) for s in src])  # what the model's length keeps
    assert np.abs(X_new - src).mean() < 0.2 * np.abs(through - src).mean()
    chunks = list(aug.generate_batches(X[::5], y[::5], n_per_sample=2, batch_size=5))
    assert np.array_equal(np.concatenate([c for c, _ in chunks]), X_new)  # streamed: the same samples
    as_list = aug.generate(list(X[::5]), y[::5], n_per_sample=2)[0]  # the sources as a list: the same
    assert np.allclose(np.asarray(as_list), X_new)


def test_the_harm_check_reads_sequences_longer_than_the_model_at_their_own_length(monkeypatch):
    """The scorer sees what the user's classifier would: the sources at their length (capped at
    MAX_SCORE_LENGTH), and sequences the model holds whole at the model's length, as before."""
    import vaeaug.selection as selection
    import vaeaug.sequences as sequences

    seen: list[int] = []
    right = selection.Scorer.right

    def recording(self, X_train, y_train, X_test, y_test, scaler, n_real=0):
        seen.append(int(X_test.shape[1]))
        return right(self, X_train, y_train, X_test, y_test, scaler, n_real)

    monkeypatch.setattr(selection.Scorer, "right", recording)
    monkeypatch.setattr(sequences, "MAX_MODEL_LENGTH", 32)
    X, y = spikes()
    aug = VAEAugmenter(**{**SMALL, "epochs": 4, "data_kind": "sequence"}).fit(X, y)
    assert set(seen) == {200} and aug.selection_["scored_length"] == 200
    monkeypatch.setattr(sequences, "MAX_SCORE_LENGTH", 64)
    seen.clear()
    assert VAEAugmenter(**{**SMALL, "epochs": 4, "data_kind": "sequence"}).fit(X, y).selection_["scored_length"] == 64 and set(seen) == {64}
    seen.clear()
    short = VAEAugmenter(**{**SMALL, "epochs": 4, "data_kind": "sequence"}).fit(X[:, :30], y)
    assert set(seen) == {30} and "scored_length" not in short.selection_


def test_the_harm_check_leaves_a_sequence_setting_on_a_lean_to_harm_that_spares_a_table_one(monkeypatch):
    """A sign-test p between the tables' level and the sequences' (priors.HARM_ALPHA): every
    sequence setting is struck out and near-copies made; the same evidence keeps a table's first."""
    import vaeaug.selection as selection
    from vaeaug.priors import HARM_ALPHA, NEAR_COPY_STRENGTH

    p = (HARM_ALPHA["vector"] + HARM_ALPHA["sequence"]) / 2
    monkeypatch.setattr(selection, "harm_test", lambda wins, losses: p)
    X, y = waves()
    seq = VAEAugmenter(**{**SMALL, "epochs": 4}).fit(X, y)
    assert seq.selection_["harm_alpha"] == HARM_ALPHA["sequence"]
    assert all(r["harmful"] for r in seq.selection_["candidates"]) and "near-copies" in seq.selection_["reason"]
    assert f"(sign test, p < {HARM_ALPHA['sequence']:g})" in seq.selection_["reason"]  # the line says how strict
    assert seq.strength_[seq.method_] == NEAR_COPY_STRENGTH
    F = np.stack([np.resize(s, (20, 2)).ravel() for s in X])  # the same samples as a table
    table = VAEAugmenter(**{**SMALL, "epochs": 4}).fit(F, y)
    assert table.selection_["harm_alpha"] == HARM_ALPHA["vector"]
    assert not any(r["harmful"] for r in table.selection_["candidates"])
    assert table.selection_["chosen"]["strength"] != NEAR_COPY_STRENGTH


def long_waves(X: list[np.ndarray]):
    """``X`` as a (case, time) frame, sktime's and aeon's pd-multiindex: string case ids, time
    stamps, a float and a whole-number channel."""
    pd = pytest.importorskip("pandas")
    frames = [pd.DataFrame({"hr": s[:, 0], "steps": np.rint(10 * s[:, 1]).astype(np.int64)},
                           index=pd.MultiIndex.from_arrays([[f"p{i}"] * len(s), pd.date_range("2024-01-01",
                                                           periods=len(s), freq="s")], names=["patient", "time"]))
              for i, s in enumerate(X)]
    return pd.concat(frames)


def test_a_case_time_frame_is_read_as_its_sequences_and_comes_back_as_one(fitted_waves, tmp_path):
    pd = pytest.importorskip("pandas")
    _, X, y = fitted_waves
    frame, labels = long_waves(X), pd.Series(y, name="activity")
    as_list = [g.to_numpy(dtype=np.float64) for _, g in frame.groupby(level=0, sort=False)]
    kw = dict(SMALL, epochs=3, strength=0.5, decoding="residual", method="interpolation")
    aug, ref = VAEAugmenter(**kw).fit(frame, labels), VAEAugmenter(**kw).fit(as_list, y)
    assert aug.vae_.kind == "sequence" and list(aug.feature_names_in_) == ["hr", "steps"]
    np.testing.assert_array_equal(aug.transform(frame), ref.transform(as_list))  # the same model as on the list
    X_new, y_new, codes = aug.generate(frame, labels, n_per_sample=2, return_codes=True)
    assert list(X_new.columns) == ["hr", "steps"] and X_new.index.names == ["patient", "time"]
    assert X_new.dtypes.to_dict() == frame.dtypes.to_dict() and isinstance(y_new, pd.Series) and y_new.name == "activity"
    cases = X_new.index.get_level_values(0).unique()
    assert len(cases) == len(y_new) == 2 * len(X) and not set(cases) & set(frame.index.get_level_values(0))
    lengths = X_new.groupby(level=0, sort=False).size().to_numpy()
    np.testing.assert_array_equal(lengths, [len(X[i]) for i in codes.source])  # each as long as its source
    stamps = [g.index.get_level_values(1) for _, g in frame.groupby(level=0, sort=False)]
    assert all(X_new.loc[c].index.equals(stamps[i]) for c, i in zip(cases, codes.source))  # at its source's
    assert pd.concat([frame, X_new]).index.levels[1].dtype == frame.index.levels[1].dtype  # times stay times
    listed, _ = ref.generate(as_list, y, n_per_sample=2)
    np.testing.assert_allclose(X_new["hr"].to_numpy(), np.concatenate([s[:, 0] for s in listed]))
    chunks = list(aug.generate_batches(frame, labels, n_per_sample=2, batch_size=7))
    assert pd.concat([c for c, _ in chunks]).equals(X_new)  # chunks number their cases on
    aug.save(tmp_path / "m")  # the channel names travel with the model
    assert VAEAugmenter.load(tmp_path / "m").generate(frame, labels, n_per_sample=2)[0].equals(X_new)
    assert aug.reconstruct(frame, labels).index.equals(frame.index)
    X_res, y_res = VAEAugmenter(**kw).fit_resample(frame, labels)
    assert X_res.index.get_level_values(0).nunique() == len(y_res)  # the caller's cases as given, then new ones
    assert X_res.index[: len(frame)].tolist() == frame.index.tolist()
    np.testing.assert_array_equal(X_res.iloc[: len(frame)].to_numpy(), frame.to_numpy())
    with pytest.raises(ValueError, match="reordered"):
        aug.generate(frame[["steps", "hr"]], labels)
    with pytest.raises(TypeError, match=r"\(case, time\) frame.*\['mood'\] are not numbers"):
        VAEAugmenter(**kw).fit(frame.assign(mood="ok"), labels)
    pytest.importorskip("imblearn", reason="VAESampler needs imbalanced-learn")
    from vaeaug import VAESampler

    with pytest.raises(TypeError, match="a row per sample"):  # imbalanced-learn would split its rows
        VAESampler(VAEAugmenter(**kw)).fit_resample(frame, y)


def test_a_list_of_frames_is_read_as_its_sequences_and_comes_back_as_frames(fitted_waves, tmp_path):
    """A recording a frame (``pd.read_csv`` per file) was refused as "X mixes shapes ... resize
    them to one shape first"; it is sequences, channels by name, each offspring indexed as its source."""
    pd = pytest.importorskip("pandas")
    _, X, y = fitted_waves
    frames = [pd.DataFrame(s, columns=["hr", "steps"], index=pd.date_range("2026-01-01", periods=len(s), freq="s"))
              .astype({"steps": "int64"}) for s in X]
    as_list = [f.to_numpy(dtype=np.float64) for f in frames]
    kw = dict(SMALL, epochs=3, strength=0.5, decoding="residual", method="interpolation")
    aug, ref = VAEAugmenter(**kw).fit(frames, y), VAEAugmenter(**kw).fit(as_list, y)
    assert aug.vae_.kind == "sequence" and list(aug.feature_names_in_) == ["hr", "steps"]
    np.testing.assert_array_equal(aug.transform(frames), ref.transform(as_list))  # the same model as on the list
    X_new, y_new, codes = aug.generate(frames, y, n_per_sample=2, return_codes=True)
    assert len(X_new) == len(y_new) == 2 * len(X) and all(isinstance(f, pd.DataFrame) for f in X_new)
    assert all(f.index.equals(frames[i].index) and f.dtypes.equals(frames[i].dtypes)  # as long as its source, at its
               for f, i in zip(X_new, codes.source))                                    # stamps, steps whole
    listed, _ = ref.generate(as_list, y, n_per_sample=2)
    np.testing.assert_allclose(X_new[3]["hr"].to_numpy(), listed[3][:, 0])
    chunks = [f for c, _ in aug.generate_batches(frames, y, n_per_sample=2, batch_size=7) for f in c]
    assert len(chunks) == len(X_new) and all(a.equals(b) for a, b in zip(chunks, X_new))
    assert all(r.index.equals(f.index) for r, f in zip(aug.reconstruct(frames, y), frames))
    X_res, y_res = VAEAugmenter(**kw).fit_resample(frames, y)
    assert X_res[: len(frames)] == frames and len(X_res) == len(y_res)  # the caller's own frames, then offspring
    with pytest.raises(ValueError, match=r"\(X\[4\]\): the frame's columns differ.*reordered"):
        aug.generate([f[["steps", "hr"]] if i == 4 else f for i, f in enumerate(frames)], y)
    with pytest.raises(ValueError, match=r"fit \(X\[2\]\).*missing \['steps'\]"):
        VAEAugmenter(**kw).fit([f[["hr"]] if i == 2 else f for i, f in enumerate(frames)], y)
    with pytest.raises(TypeError, match=r"X\[0\] is a frame read as a sequence.*\['mood'\] are not numbers"):
        VAEAugmenter(**kw).fit([f.assign(mood="ok") for f in frames], y)
    pytest.importorskip("imblearn", reason="VAESampler needs imbalanced-learn")
    from vaeaug import VAESampler

    few = frames[:16]  # 12 of class 0, 4 of class 1: filled with frames of the same columns
    sampler = VAESampler(VAEAugmenter(**kw))
    X_res, y_res = sampler.fit_resample(few, y[:16])
    assert np.bincount(y_res).tolist() == [12, 12] and all(isinstance(f, pd.DataFrame) for f in X_res)
    assert all(f.index.equals(few[i].index) for f, i in zip(X_res, sampler.sample_indices_))


def test_a_table_indexed_by_two_keys_stays_a_table():
    """Two index levels with a label per row are a table's rows (patient, visit), not (case, time) steps."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    index = pd.MultiIndex.from_product([range(20), [1, 2]], names=["patient", "visit"])
    X, y = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"), index=index), np.tile([0, 1], 20)
    aug = VAEAugmenter(**{**SMALL, "epochs": 2}).fit(X, y)
    assert aug.vae_.kind == "vector"
    X_new, y_new = aug.generate(X, y, n_per_sample=1)
    assert list(X_new.columns) == ["a", "b", "c"] and len(X_new) == len(y_new) == 40
    assert len(aug.fit_resample(X, y)[0]) == 40 * (1 + aug.n_per_sample_)


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a few epochs: expected
def test_sequences_of_one_channel_without_its_axis_come_back_as_they_came():
    """Waveforms and a sensor's traces come as 1-D arrays of many lengths: they were refused ("X
    mixes shapes ... resize them"), and under data_kind="sequence", they, like an (N, T) array,
    failed in generate's time-warped copies. They are now one channel each, and come back 1-D.
    A wide frame (a row per sequence) was told only "must be a list of (T_i, C) arrays"."""
    from vaeaug import VAESampler

    rng = np.random.default_rng(0)
    X = [np.sin(np.linspace(0, 6 + (i % 2) * 3, int(rng.integers(40, 60)))).astype(np.float32) for i in range(40)]
    y = np.arange(40) % 2
    settings = {**SMALL, "compose": "auto", "epochs": 3, "cv": 2}
    aug = VAEAugmenter(**settings).fit(X, y)
    assert aug.vae_.kind == "sequence" and aug.vae_.preprocessor.n_channels_ == 1
    X_new, _, codes = aug.generate(X, y, return_codes=True)
    assert [x.shape for x in X_new] == [X[i].shape for i in codes.source] and X_new[0].dtype == np.float32
    first, _ = next(aug.generate_batches(X, y, batch_size=50))
    assert first[0].shape == X[0].shape
    assert [x.shape for x in aug.reconstruct(X, y)] == [x.shape for x in X]
    X_res, _ = aug.fit_resample(X, y)
    assert X_res[:40] == X and X_res[-1].ndim == 1
    decoded = aug.inverse_transform(aug.transform(X), y, lengths=[len(x) for x in X])  # no X: the layout fit read
    assert aug.layout_ == "one_channel" and [x.shape for x in decoded] == [x.shape for x in X]
    A = np.stack([np.sin(np.linspace(0, 6 + (i % 2) * 3, 50)) for i in range(40)])
    aug = VAEAugmenter(**{**settings, "data_kind": "sequence"}).fit(A, y)
    assert aug.generate(A, y)[0].shape == (2 * 3 * 40, 50) and aug.fit_resample(A, y)[0].shape == (7 * 40, 50)
    assert aug.inverse_transform(aug.transform(A), y).shape == (40, 50)
    few = np.r_[np.arange(0, 40, 2), [1, 3, 5]]
    X_s, y_s = VAESampler(VAEAugmenter(**settings)).fit_resample([X[i] for i in few], y[few])
    assert np.bincount(y_s).tolist() == [20, 20] and all(np.ndim(x) == 1 for x in X_s)
    import pandas as pd

    wide = pd.DataFrame(A, columns=[f"t{i}" for i in range(50)])  # UCR's wide files, read by pandas
    with pytest.raises(TypeError, match=r"a frame of one row per sample.*pass X\.to_numpy\(\), one channel each"):
        VAEAugmenter(**{**settings, "data_kind": "sequence"}).fit(wide, y)


def test_the_experiment_reads_a_wide_table_as_sequences_under_data_kind_sequence(tmp_path):
    """``vaeaug experiment --data X_TRAIN.tsv --data-kind sequence`` (UCR's wide files: a row per
    sequence) weighed a VAE of sequences against table comparators (SMOTE and copies, no DTW):
    the table was read as a table whatever --data-kind said. It is now sequences of one channel."""
    from vaeaug.data import DataFormatError, load_path

    wide = tmp_path / "WAVE_TRAIN.tsv"
    wide.write_text("".join(f"{c}\t" + "\t".join(f"{np.sin(t * (1 + c)):.4f}" for t in range(30)) + "\n"
                            for c in (0, 1) * 10))
    ds = load_path(wide, label="0", kind="sequence")
    assert ds.kind == "sequence" and ds.X.shape == (20, 30, 1) and ds.y.tolist() == [0, 1] * 10
    assert load_path(wide, label="0").kind == "vector"
    wide.write_text("".join(f"{c}\t{'ab'[c]}\t" + "\t".join(f"{t + i / 100:.2f}" for t in range(5)) + "\n"
                            for i, c in enumerate((1, 0) * 10)))  # a column of categories
    with pytest.raises(DataFormatError, match="holds numbers only; this one has columns of categories"):
        load_path(wide, label="0", kind="sequence")


def test_augment_writes_a_ts_file_that_reads_back_and_refuses_what_no_file_of_its_suffix_holds(tmp_path, capsys):
    """``--out new.ts``: the series and their labels in the UCR/UEA format (an .npz under a .ts
    name before); a suffix augment cannot write, or a .ts for images, is refused before any work."""
    pytest.importorskip("aeon", reason="time-series data needs vaeaug[timeseries]")
    from vaeaug.cli import main
    from vaeaug.data import load_ts

    X, y = waves(6, seed=1)
    _write_ts(tmp_path / "waves_TRAIN.ts", X, y)
    model, out = tmp_path / "m", tmp_path / "new.ts"
    assert main(["train", "--data", str(tmp_path / "waves_TRAIN.ts"), "--out", str(model), "--epochs", "2",
                 "--latent-dim", "4", "-q"]) == 0
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "waves_TRAIN.ts"), "--out", str(out),
                 "--per-sample", "2", "--compose", "none", "--include-original", "-q"]) == 0
    back = load_ts(out)
    assert len(back.X) == 3 * len(X) and back.X[0].shape == X[0].shape and sorted(set(back.y)) == ["0", "1"]
    np.testing.assert_allclose(back.X[0], X[0], atol=1e-5)  # the inputs first, as they were
    assert main(["augment", "--model", str(model), "--data", str(tmp_path / "waves_TRAIN.ts"),
                 "--out", str(tmp_path / "new.json")]) == 1
    assert "not a .json file" in capsys.readouterr().err
    np.savez(tmp_path / "v.npz", X=np.random.default_rng(0).normal(size=(30, 4)), y=np.arange(30) % 2)
    assert main(["train", "--data", str(tmp_path / "v.npz"), "--out", str(tmp_path / "v"), "--epochs", "1", "-q"]) == 0
    assert main(["augment", "--model", str(tmp_path / "v"), "--data", str(tmp_path / "v.npz"),
                 "--out", str(tmp_path / "v.ts")]) == 1
    assert "makes vectors: write an .npz" in capsys.readouterr().err and not (tmp_path / "v.ts").exists()


def test_labels_a_ts_file_cannot_hold_are_refused_before_generating(tmp_path, capsys, monkeypatch):
    """A case ends ':label' in a .ts file: 'sit:down' was written and the file then failed to read
    ('could not convert string to float'); spaces were refused, after generating, as [np.str_('walk fast')]."""
    pytest.importorskip("aeon", reason="time-series data needs vaeaug[timeseries]")
    from vaeaug.augmenter import VAEAugmenter
    from vaeaug.cli import main
    from vaeaug.data.timeseries import write_ts

    X, y = waves(6, seed=1)
    y = np.where(np.asarray(y).astype(int) == 1, "sit:down", "walk fast")
    with pytest.raises(ValueError, match=r"the label\(s\) 'sit:down', 'walk fast' \(blank, or with a space or ':'\)"):
        write_ts(tmp_path / "py.ts", X, y)
    assert not (tmp_path / "py.ts").exists()
    np.savez(tmp_path / "s.npz", X_values=np.concatenate(X), X_lengths=[len(x) for x in X], y=y)  # ragged
    assert main(["train", "--data", str(tmp_path / "s.npz"), "--data-kind", "sequence", "--out", str(tmp_path / "m"),
                 "--epochs", "1", "--latent-dim", "2", "-q"]) == 0
    monkeypatch.setattr(VAEAugmenter, "generate", lambda *a, **k: pytest.fail("generated before the refusal"))
    assert main(["augment", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "s.npz"),
                 "--out", str(tmp_path / "new.ts")]) == 1
    assert "cannot hold the label(s) 'sit:down', 'walk fast'" in capsys.readouterr().err
