"""Every bad input gets a clear error naming the problem (and the index where there is one),
before any expensive work and before any output is written."""

import warnings

import numpy as np
import pytest

from vaeaug import PosteriorCollapseWarning, SmallClassError, VAEAugmenter
from vaeaug.cli import main
from vaeaug.data import Dataset
from vaeaug.experiment.evaluation import ExperimentConfig, run_experiment
from vaeaug.validation import check_kind

from .conftest import FAST, warned_here


@pytest.mark.parametrize("make, error, message", [
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 70, np.nan, X).reshape(-1, 8, 8), y), ValueError,
     r"NaN at index \(1, 0, 6\)"),  # images; a table's missing cells are read (test_missing)
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), y), ValueError, "infinite value at index"),
    (lambda X, y: (X, y[:-1]), ValueError, "different lengths: 100 samples but 99 labels"),
    (lambda X, y: (X[:, :, None, None, None], y), ValueError, "must be 2-D.*Fold the extra axes into channels"),
    (lambda X, y: (X[:0], y[:0]), ValueError, "empty"),
    (lambda X, y: (X.astype(str).astype(object) + "x", y), TypeError, "non-numeric"),
    (lambda X, y: ([np.zeros((8, 8))] * 3 + [np.zeros((9, 9))] + [np.zeros((8, 8))] * 96, y), ValueError,
     r"mixes shapes: sample 0 is \(8, 8\) but sample 3 is \(9, 9\)"),
    (lambda X, y: (X, np.where(np.arange(len(y)) == 4, np.nan, y.astype(float))), ValueError, "NaN at index 4"),
    (lambda X, y: (X, np.eye(10)[y]), ValueError, r"y is one-hot, shape \(100, 10\): .* y\.argmax\(axis=1\)"),
    (lambda X, y: (X, np.c_[np.eye(10)[y], np.ones(100)]), ValueError, "rows are not one class each"),
])
def test_fit_refuses_bad_data_before_training(digits, make, error, message):
    X, y = digits
    Xb, yb = make(X[:100], y[:100])
    with pytest.raises(error, match=message):
        VAEAugmenter(**FAST).fit(Xb, yb)


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a one-epoch VAE: expected
def test_channels_last_pictures_are_read_as_pictures_and_given_back_so(digit_images):
    """(N, H, W, C), as PIL, Keras and OpenCV give pictures, was first read as H channels of W × C
    pixels (a model of nothing, without a word), then refused with the transpose to make. Such
    pictures are now turned channels first at the estimator's edge, as PIL lists are read, and
    offspring come back channels last; X_val may come either way. (A list of PIL images:
    test_interfaces.)"""
    X, y = digit_images
    rgb = np.repeat(X[:40, :, :, None], 3, axis=3)
    for data_kind in ("auto", "image"):
        aug = VAEAugmenter(**{**FAST, "data_kind": data_kind, "epochs": 1}).fit(rgb, y[:40], rgb[:10].transpose(0, 3, 1, 2),
                                                                              y[:10])
        assert aug.vae_.kind == "image" and aug.vae_.config.input_shape == (3, 8, 8)
    made = {"method": "noise", "n_per_sample": 2, "strength": 0.5, "compose": "none", "random_state": 1}
    X_new = aug.generate(rgb, y[:40], **made)[0]
    assert X_new.shape == (80, 8, 8, 3) and X_new.dtype == np.uint8 and X_new.flags.c_contiguous
    first = aug.generate(rgb.transpose(0, 3, 1, 2), y[:40], **made)[0]  # the same, channels first
    assert np.array_equal(X_new, first.transpose(0, 2, 3, 1))
    assert aug.reconstruct(rgb, y[:40]).shape == (40, 8, 8, 3) and aug.fit_resample(rgb, y[:40])[0].shape[1:] == (8, 8, 3)
    with pytest.raises(ValueError, match=r"\(8, 8, 3\) are \(height, width, channels\) pictures.*X\.transpose"):
        check_kind(rgb, None)  # where nothing turned them (no estimator path reaches it so): said, not misread


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a one-epoch VAE: expected
def test_a_model_fitted_channels_last_decodes_codes_channels_last(digit_images, tmp_path):
    """inverse_transform has no X to take the layout from: a model fitted on (N, H, W, C) pictures
    gave its codes' decodings channels first, unlike its generate and reconstruct, and plot_manifold
    drew each picture's first row as a picture. It keeps the layout it was fitted on, through save
    and load, and says so in ``vaeaug info``; its drawings are those of the same model fitted
    channels first."""
    from matplotlib import use

    use("Agg")
    from vaeaug.plots import plot_manifold

    X, y = digit_images
    rgb = np.repeat(X[:40, :, :, None], 3, axis=3)
    fast = {**FAST, "data_kind": "auto", "epochs": 1, "random_state": 0}
    last, first = (VAEAugmenter(**fast).fit(A, y[:40]) for A in (rgb, rgb.transpose(0, 3, 1, 2)))
    Z = first.transform(rgb.transpose(0, 3, 1, 2))
    decoded = last.inverse_transform(Z)
    assert last.layout_ == "channels_last" and first.layout_ is None and decoded.shape == (40, 8, 8, 3)
    assert np.array_equal(decoded, first.inverse_transform(Z).transpose(0, 2, 3, 1))
    last.save(tmp_path / "m")
    assert VAEAugmenter.load(tmp_path / "m").inverse_transform(Z).shape == (40, 8, 8, 3)
    assert main(["info", "--model", str(tmp_path / "m")]) == 0
    drawn = [plot_manifold(a, A, y[:40]).axes[0].images[0].get_array() for a, A in ((last, rgb), (first, rgb.transpose(0, 3, 1, 2)))]
    assert np.array_equal(*drawn)
    assert first.fit(rgb, y[:40]).layout_ and first.fit(rgb.transpose(0, 3, 1, 2), y[:40]).layout_ is None


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # a one-epoch VAE: expected
def test_model_applied_to_data_of_another_shape(fitted_mlp, digit_images):
    X, y = digit_images
    with pytest.raises(ValueError, match="X has 10 features, but VAEAugmenter is expecting 64 features"):
        fitted_mlp.transform(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="must be 2-D"):
        fitted_mlp.transform(np.zeros(10))
    with pytest.raises(ValueError, match=r"^X_unlabeled must be 2-D.*X_unlabeled\.reshape\(1, -1\)"):  # named as given
        VAEAugmenter(**FAST).fit(X[:40].reshape(40, -1), y[:40], X_unlabeled=np.zeros(64))
    grey = VAEAugmenter(epochs=1, hidden_sizes=(4,), latent_dim=2, verbose=0, random_state=0, method="noise",
                        strength=0.5, decoding="direct", compose="none").fit(X[:40], y[:40])  # the mechanics only
    with pytest.raises(ValueError, match=r"fitted on \(8, 8\); colour against grey"):
        grey.transform(np.repeat(X[:3, None], 3, axis=1))  # the same pictures in RGB


def test_a_column_vector_of_labels_is_read_and_said_as_scikit_learn_does(fitted_mlp, digits):
    from sklearn.exceptions import DataConversionWarning

    X, y = digits
    with pytest.warns(DataConversionWarning, match=r"column-vector y .* y.ravel\(\)") as record:
        X_new, y_new = fitted_mlp.generate(X[:20], y[:20, None], n_per_sample=1, random_state=0)
    assert warned_here(record, "column-vector")
    X_flat, y_flat = fitted_mlp.generate(X[:20], y[:20], n_per_sample=1, random_state=0)
    np.testing.assert_array_equal(X_new, X_flat)
    np.testing.assert_array_equal(y_new, y_flat)


def test_class_too_small_for_the_method(fitted_mlp, digits):
    X, y = digits
    yy = y[:30].copy()
    yy[0] = 42  # a class of one
    with pytest.raises(SmallClassError, match="class\\(es\\) 42 have one"):
        fitted_mlp.generate(X[:30], yy, "interpolation", strength=0.5)


def test_the_defaults_give_a_class_of_one_noise_offspring(digits):
    """generate(X, y) with fit's choice must not fail on a class of one: its sample takes noise
    offspring, the others the chosen neighbour method."""
    X, y = digits
    X, yy = X[:60], y[:60].copy()
    yy[0] = 42  # a class of one
    aug = VAEAugmenter(**{**FAST, "method": "auto", "n_per_sample": 2}).fit(X, yy)
    assert aug.method_ in ("mixed", "interpolation", "extrapolation")
    X_new, y_new, codes = aug.generate(X, yy, return_codes=True)
    assert len(X_new) == 2 * len(X) and (y_new == 42).sum() == 2
    assert (codes.partner[codes.source == 0] == -1).all() and (codes.partner[codes.source != 0] >= 0).all()
    _, y_res = aug.fit_resample(X, yy)  # the sampler's path too
    assert (y_res == 42).sum() == 3
    with pytest.raises(SmallClassError):  # a method named by the caller is refused, as asked
        aug.generate(X, yy, aug.method_)


def test_the_check_folds_fit_a_class_of_two_and_score_what_generate_makes():
    """Two samples a class: the check takes two folds rather than failing on three; a fold's
    lone samples get offspring there as generate(X, y) gives them, so it scores all of them."""
    from .test_choice import Recorder

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 6)), np.array([0, 0, 1, 1])
    Recorder.sizes = []
    aug = VAEAugmenter(**{**FAST, "method": "interpolation", "n_per_sample": 2}).fit(X, y, estimator=Recorder())
    assert aug.selection_["folds"] == 2 and len(aug.generate(X, y)[0]) == 8
    assert Recorder.sizes == [2, 6] * 2  # per fold: 2 real samples, each alone in its class, then 2 + 4 offspring


def test_experiment_refuses_a_single_class(digits, tmp_path):
    X, y = digits
    ds = Dataset(name="one", X=X[:60], y=np.zeros(60, int), kind="vector",
                 split={"train": np.arange(40), "val": np.arange(40, 50), "test": np.arange(50, 60)})
    with pytest.raises(ValueError, match="single class"):
        run_experiment(ds, ExperimentConfig(seeds=(0,)), out_dir=tmp_path / "out", verbose=0)
    assert not (tmp_path / "out").exists(), "nothing is written before the error"


def test_cli_bad_files_give_one_line_errors(tmp_path, capsys):
    csv = tmp_path / "t.csv"
    csv.write_text("a,b,y\n1,2,x\n3,4,z\n")
    assert main(["experiment", "--data", str(csv), "--label", "nope", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "has no column 'nope'" in err and "Traceback" not in err
    bad = tmp_path / "w"
    bad.mkdir()
    (bad / "UJIpenchars-w01").write_text('.SEGMENT CHARACTER 0 ? "a"\n.PEN_DOWN\n 1 q\n')
    assert main(["experiment", "--dataset", "ujipen-v1", "--dataset-path", str(bad), "--out", str(tmp_path / "o")]) == 1
    assert "UJIpenchars-w01, line 3: non-numeric coordinate" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_scorer_that_is_no_classifier_is_refused_or_warned_before_training():
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), np.repeat([0, 1, 2], 10)
    with pytest.raises(TypeError, match="fit and predict"):
        VAEAugmenter(**FAST).fit(X, y, estimator="svm")  # refused before any training: no history
    with pytest.raises(TypeError, match=r"an instance, e.g. KMeans\(\)"):
        VAEAugmenter(**FAST).fit(X, y, estimator=KMeans)
    with pytest.warns(UserWarning, match="KMeans is not a classifier") as record:
        VAEAugmenter(**FAST).fit(X, y, estimator=KMeans(3, n_init=1))
    assert warned_here(record, "not a classifier")


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # one epoch: only the scale warning matters
def test_a_validation_or_unlabeled_set_on_another_scale_is_warned_about(digit_images):
    X, y = digit_images
    X, y = X[:60], y[:60]
    with pytest.warns(UserWarning, match="X_val's values span 1 and X's 255: are they on the same scale") as record:
        VAEAugmenter(**{**FAST, "epochs": 1, "data_kind": "auto"}).fit(X[:48], y[:48], X[48:] / 255.0, y[48:])
    with pytest.warns(UserWarning, match="X_unlabeled's values span") as more:
        VAEAugmenter(**{**FAST, "epochs": 1, "data_kind": "auto"}).fit(X, y, X_unlabeled=X / 255.0)
    assert warned_here(record, "X_val's values") and warned_here(more, "X_unlabeled's values")


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # one epoch: only the scale warning matters
def test_pictures_on_another_scale_than_the_models_are_warned_about(digit_images):
    """A model fitted on bytes was handed pictures in [0, 1] (torchvision's ToTensor gives them so)
    by generate, transform and reconstruct without a word, and made near-black offspring of them;
    X_val and X_unlabeled were already warned about. One class's pictures are not."""
    X, y = digit_images
    aug = VAEAugmenter(**{**FAST, "epochs": 1, "data_kind": "auto"}).fit(X[:60], y[:60])
    calls = {"generate": lambda A: aug.generate(A, y[:30]), "transform": aug.transform,
             "reconstruct": lambda A: aug.reconstruct(A, y[:30]),
             "generate_batches": lambda A: list(aug.generate_batches(A, y[:30]))}
    for name, call in calls.items():
        with pytest.warns(UserWarning, match="X's values span 1 and the training pictures' 255: are they on the same "
                                             "scale") as record:
            call(X[:30] / 255.0)
        assert warned_here(record, "training pictures"), name
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aug.generate(X[:30], y[:30])
        ones = y == 1
        aug.generate(X[ones][:30], y[ones][:30])


@pytest.mark.filterwarnings("ignore::vaeaug.PosteriorCollapseWarning")  # one epoch: only the warning's line matters
def test_a_warning_names_the_users_line_through_a_pipeline_and_cross_validation(digit_images):
    """A warning found deep in fit (here: samples too narrow for images) points at the user's line,
    past VAESampler, imbalanced-learn's pipeline, scikit-learn's decorators and cross_val_score."""
    from imblearn.pipeline import make_pipeline
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import FunctionTransformer

    from vaeaug import VAESampler

    X, y = digit_images
    keep = np.concatenate([np.flatnonzero(y == 0)[:20], np.flatnonzero(y == 1)[:10]])  # imbalanced: oversampled
    narrow, y = X[keep].reshape(-1, 4, 16), y[keep]  # 4 × 16: read as images, and warned about
    aug = VAEAugmenter(**{**FAST, "epochs": 1, "data_kind": "auto"}, strength=0.5, decoding="direct", compose="none")
    pipe = make_pipeline(VAESampler(aug), FunctionTransformer(lambda A: A.reshape(len(A), -1)), KNeighborsClassifier(1))
    with pytest.warns(UserWarning, match="read as images of 4×16 pixels") as record:
        cross_val_score(pipe, narrow, y, cv=2)
    assert warned_here(record, "read as images")


def test_a_device_this_machine_lacks_is_said_as_such(fitted_mlp, digits, tmp_path):
    """device='gpu' raised torch's list of device types; a saved model loaded on a CUDA this
    machine lacks was called an inconsistent model file."""
    import torch

    X, y = digits
    with pytest.raises(ValueError, match="device='gpu' is not a device torch knows"):
        VAEAugmenter(**{**FAST, "device": "gpu"}).fit(X[:60], y[:60])
    fitted_mlp.save(tmp_path / "m")
    with pytest.raises(ValueError, match="device='gpu' is not a device torch knows"):
        VAEAugmenter.load(tmp_path / "m", device="gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="^device='cuda' was asked for but CUDA is not available here"):
            VAEAugmenter.load(tmp_path / "m", device="cuda")


def test_a_frames_bad_row_is_named_by_its_index_label_too(digits):
    """After train_test_split a frame's index labels are not its positions: "index 5" alone sent
    a pandas user to df.loc[5], another row."""
    pd = pytest.importorskip("pandas")
    X, y = digits
    rows = np.arange(1000, 1060)
    frame, labels = pd.DataFrame(X[:60].astype(float), index=rows), pd.Series(y[:60], index=rows)
    holed = frame.copy()
    holed.iloc[5, 1] = np.inf
    with pytest.raises(ValueError, match=r"infinite value at index \(5, 1\) \(row 1005 of its index\)"):
        VAEAugmenter(**FAST).fit(holed, labels)
    with pytest.raises(ValueError, match=r"missing or infinite label at index 3 \(row 1003 of its index\)"):
        VAEAugmenter(**FAST).fit(frame, labels.astype(object).where(labels.index != 1003, None))
    conditional = VAEAugmenter(**{**FAST, "epochs": 1, "conditional": True}).fit(frame, labels)
    with pytest.raises(ValueError, match=r"not seen at fit time \(first at index 7; row 1007 of its index\)"):
        conditional.generate(frame, labels.where(labels.index != 1007, 99))
    plain, unseen = frame.reset_index(drop=True), labels.reset_index(drop=True).where(lambda s: s.index != 7, 99)
    with pytest.raises(ValueError, match=r"first at index 7\)"):  # positions and labels agree: said once
        conditional.generate(plain, unseen)
    with pytest.raises(ValueError, match=r"known labels as str, and the model's are int: pass y\.astype\(int\)"):
        conditional.generate(plain, labels.astype(str).to_numpy())  # labels read from a file as text
    with pytest.raises(ValueError, match=r"known labels: \[0, 1, 2, 3, 4, 5, 6, 7, 8, 9\]$"):  # 99 is no typing slip
        conditional.generate(plain, unseen.astype(str).to_numpy())


def test_a_regression_target_is_refused_or_warned_about(digits, tmp_path, capsys):
    """A quantity passed as y (diabetes' progression, a price) was taken for classes, one or two
    samples each, and fitted without a word: continuous values are now refused, as scikit-learn's
    classifiers refuse them, and whole numbers that look like a quantity are warned about."""
    X, y = digits[0][:60], digits[1][:60]
    quantity = np.linspace(25.5, 346.5, 60)
    with pytest.raises(ValueError, match=r"y holds continuous values \(e.g. 25.5\).*pd.qcut\(y, 5, labels=False\)"):
        VAEAugmenter(**FAST).fit(X, quantity)
    with pytest.warns(UserWarning, match=r"y holds 33 distinct numbers for 60 samples, from 30 to 350 with gaps.*"
                                         r"a quantity rather than class labels") as record:
        VAEAugmenter(**FAST).fit(X, np.round(quantity, -1))  # tens: whole numbers, two samples a value
    assert warned_here(record, "a quantity")
    with warnings.catch_warnings():  # class codes 0..K-1, one sample each (one-shot data): no quantity
        warnings.filterwarnings("error", message=".*a quantity rather than class labels")
        warnings.filterwarnings("ignore", category=PosteriorCollapseWarning)
        VAEAugmenter(**FAST).fit(X[:30], np.arange(30), X[30:], np.arange(30))
        VAEAugmenter(**FAST).fit(X, y)
    table = tmp_path / "t.csv"  # a CSV's label column of decimals: numbers, refused as such
    table.write_text("a,b,target\n" + "".join(f"{i},{i % 7},{q}\n" for i, q in enumerate(quantity)))
    assert main(["train", "--data", str(table), "--label", "target", "--out", str(tmp_path / "m"), "--quiet"]) == 1
    assert "holds continuous values (e.g. 25.5)" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_constant_features_fit_as_scikit_learn_fits_them(digits):
    """X whose every feature holds one value (a table's one column of zeros) crashed the choice's
    proxy in a Cholesky solve: its kernel width 1 / (features × variance) was 1/0. It takes
    scikit-learn's SVC rule (width 1 where X is constant), and fit and generate go through."""
    from vaeaug.proxy import KernelRidgeClassifier

    X, y = np.zeros((40, 1)), np.repeat(np.arange(4), 10)
    assert len(KernelRidgeClassifier().fit(X, y).predict(X)) == 40
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PosteriorCollapseWarning)  # nothing to encode: said, and true
        aug = VAEAugmenter(**FAST).fit(X, y)
    X_new, y_new = aug.generate(X, y, n_per_sample=2)
    assert X_new.shape == (80, 1) and np.allclose(X_new, 0, atol=1e-3)


def test_a_pytorch_dataset_or_a_list_of_pairs_is_told_to_come_as_samples_and_labels(digits):
    """A PyTorch dataset (torchvision's, a TensorDataset) or its items, (sample, label) pairs, were
    told "X is ragged (samples of different shapes)": numpy read each pair as a row of two. They
    are told to pass the samples and the labels apart; a table's rows as tuples stay a table."""
    import torch
    from PIL import Image
    from torch.utils.data import TensorDataset

    from vaeaug import VAESampler

    X, y = digits[0][:60], digits[1][:60]
    tensors = TensorDataset(torch.as_tensor(X), torch.as_tensor(y))
    pictures = [(Image.fromarray(x.reshape(8, 8).astype(np.uint8)), int(t)) for x, t in zip(X, y)]
    apart = r"pass the samples and the labels apart, {0} = \[x for x, _ in data\], {1} = \[t for _, t in data\]"
    with pytest.raises(TypeError, match=r"X is a PyTorch dataset \(TensorDataset\): " + apart.format("X", "y")):
        VAEAugmenter(**FAST).fit(tensors, y)
    with pytest.raises(TypeError, match=r"X is a list of \(sample, label\) pairs: " + apart.format("X", "y")):
        VAEAugmenter(**FAST).fit(pictures, y)
    with pytest.raises(TypeError, match=r"X_val is a list of \(sample, label\) pairs: " + apart.format("X_val", "y_val")):
        VAEAugmenter(**FAST).fit(X, y, X_val=list(tensors), y_val=y)
    with pytest.raises(TypeError, match=r"X is a list of \(sample, label\) pairs"):
        VAESampler(VAEAugmenter(**FAST)).fit_resample(list(tensors), y)
    rows = [tuple(r) for r in X[:, 20:22]]  # rows of a 2-column table, as tuples: no pairs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PosteriorCollapseWarning)
        assert VAEAugmenter(**FAST).fit(rows, y).n_features_in_ == 2
    assert VAEAugmenter(**FAST).fit([x for x, _ in tensors], [t for _, t in tensors]).n_features_in_ == 64


def test_an_x_y_tuple_given_as_x_is_told_to_come_apart(digits):
    """``load_digits(return_X_y=True)`` passed whole, or a pool's (X, y) as X_unlabeled, was told
    "X mixes shapes" (read as two sequences) or "X_unlabeled is ragged"."""
    from vaeaug import VAESampler

    X, y = digits[0][:60], digits[1][:60]
    with pytest.raises(TypeError, match=r"X is a tuple of two arrays, samples \(60, 64\) and labels \(60,\), as "
                                        r"return_X_y=True gives them: pass the samples alone as X and the labels as y"):
        VAEAugmenter(**FAST).fit((X, y), y)
    with pytest.raises(TypeError, match=r"X_unlabeled is a tuple .* pass the samples alone as X_unlabeled$"):
        VAEAugmenter(**FAST).fit(X, y, X_unlabeled=(X, y))
    with pytest.raises(TypeError, match="X_val is a tuple .* and the labels as y_val"):
        VAEAugmenter(**FAST).fit(X, y, (X, y), y)
    with pytest.raises(TypeError, match="X is a tuple of two arrays"):
        VAESampler(VAEAugmenter(**FAST)).fit_resample((X, y), y)


def test_integers_float32_cannot_hold_are_read_not_refused(digits, digit_images):
    """Epoch seconds (1.7e9) in an int64 table or an all-integer frame were refused as beyond the
    2**24 that float32 holds exactly, though samples are scaled in float64 and the model sees only
    the scaled values (a frame with one float column passed). Now only integers past float64's
    2**53 are refused (test_untrusted_inputs), and 32-bit pictures with an offset read exactly."""
    import pandas as pd

    X, y = digits
    X, y = X[:150].astype(np.int64), y[:150]
    X[:, 0] = 1_700_000_000 + 86_400 * y + np.arange(150) % 7 * 3_600  # a time stamp a day apart per class
    for given in (X, pd.DataFrame(X, columns=[f"f{j}" for j in range(64)])):
        aug = VAEAugmenter(**FAST).fit(given, y)
        X_new = np.asarray(aug.generate(given, y, method="noise", n_per_sample=2, strength=0.5)[0])
        assert X_new.dtype == np.int64
        assert X[:, 0].min() <= X_new[:, 0].min() and X_new[:, 0].max() <= X[:, 0].max()
        assert 0.5 < X_new[:, 0].std() / X[:, 0].std() < 1.5  # the real spread, not one rounded value
    with pytest.raises(ValueError, match=r"beyond the ±2\*\*53 that float64.*subtract an offset"):
        VAEAugmenter(**FAST).fit(X + 2**53, y)
    from vaeaug.preprocess import ImagePreprocessor

    wide = digit_images[0][:40].astype(np.uint32) + 2**31  # float32 spaces numbers 256 apart there
    pre = ImagePreprocessor().fit(wide)
    assert np.array_equal(pre.inverse_transform(pre.transform(wide)), wide)
