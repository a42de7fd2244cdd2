"""Property-based tests (hypothesis): the latent operations keep their formulas on any input,
and no byte string makes the UJI or CSV parsers hang or fail with anything but DataFormatError."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vaeaug.data import load_csv
from vaeaug.data.dataset import DataFormatError
from vaeaug.data.ujipen import parse_v1, parse_v2
from vaeaug.latent import SmallClassError, extrapolate, interpolate, same_class_neighbours, synthesize

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def codes_and_labels(draw):
    n = draw(st.integers(1, 25))
    d = draw(st.integers(1, 6))
    Z = draw(arrays(np.float64, (n, d), elements=finite))
    y = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    return Z, y


@given(codes_and_labels(), st.floats(0, 1))
def test_interpolation_stays_on_the_segment(zy, lam):
    Z, _ = zy
    zi, zj = Z, Z[::-1]
    out = interpolate(zi, zj, lam)
    lo, hi = np.minimum(zi, zj), np.maximum(zi, zj)
    tol = 1e-9 * (1 + np.abs(Z).max())
    assert (out >= lo - tol).all() and (out <= hi + tol).all()


@given(codes_and_labels(), st.floats(0, 2))
def test_extrapolation_is_interpolation_mirrored(zy, lam):
    Z, _ = zy
    zi, zj = Z, Z[::-1]
    np.testing.assert_allclose(extrapolate(zi, zj, lam), interpolate(zi, zj, -lam), atol=1e-9 * (1 + np.abs(Z).max()))


@given(codes_and_labels(), st.integers(1, 4))
def test_neighbours_are_valid_same_class_rows(zy, k):
    Z, y = zy
    nb = same_class_neighbours(Z, y, k)
    assert nb.shape == (len(Z), k)
    for i, row in enumerate(nb):
        real = row[row >= 0]
        assert i not in real and (y[real] == y[i]).all() and len(set(real)) == len(real)
        assert len(real) == min(k, int((y == y[i]).sum()) - 1)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(codes_and_labels(), st.sampled_from(["noise", "interpolation", "extrapolation", "mixed", "reconstruction"]),
       st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_synthesize_labels_and_shapes_or_a_clear_error(zy, method, n_per, seed):
    Z, y = zy
    try:
        out = synthesize(Z, y, method, n_per_sample=n_per, rng=np.random.default_rng(seed))
    except SmallClassError as e:
        assert method in ("interpolation", "extrapolation", "mixed") and "at least two" in str(e)
        return
    assert out.Z.shape == (len(Z) * n_per, Z.shape[1]) and np.isfinite(out.Z).all()
    np.testing.assert_array_equal(out.y, y[out.source])


# ------------------------------------------------------------------ parser fuzzing
v2_lines = st.sampled_from([
    "WORD a trn_UJI_W01-01", "WORD", "NUMSTROKES 1", "NUMSTROKES -3", "NUMSTROKES x", "POINTS 2 # 1 2 3 4",
    "POINTS 1 # 5", "POINTS # 1 2", "POINTS 2 # 1 nan 3 4", "// comment", "", "  POINTS 1 # 1e309 2",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(v2_lines | st.text(max_size=30), max_size=12))
def test_v2_parser_fuzz(lines):
    try:
        samples = parse_v2("\n".join(lines))
    except DataFormatError:
        return
    assert samples and all(s.strokes for s in samples)


v1_lines = st.sampled_from([
    '.SEGMENT CHARACTER 0 ? "a"', ".PEN_DOWN", ".PEN_UP", " 10 20", " 1 x", ".COMMENT Class #01: [A] = { \"a\" }",
    ".DT 100", "", ".SEGMENT CHARACTER", " 1 2 3",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(v1_lines | st.text(max_size=30), max_size=14))
def test_v1_parser_fuzz(lines):
    try:
        samples, _ = parse_v1("\n".join(lines), writer="W01")
    except DataFormatError:
        return
    assert samples and all(s.strokes for s in samples)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(["1", "2.5", "x", "", "?", "red", "1e400", '"a,b"']), min_size=1, max_size=4),
                min_size=1, max_size=8))
def test_csv_loader_fuzz(tmp_path, rows):
    import warnings

    width = len(rows[0])
    text = ",".join(f"c{i}" for i in range(width)) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    f = tmp_path / "f.csv"
    f.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = load_csv(f)
        except (DataFormatError, ValueError):
            return
    assert len(ds.X) == len(ds.y) and np.isfinite(ds.X).all()
