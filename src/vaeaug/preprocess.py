"""Map user data to what the VAE learns on, and back again in the caller's scale and dtype.

Images go to [0, 1] floats of shape (N, C, H, W) (a Bernoulli/BCE likelihood suits them);
feature vectors are standardised to zero mean and unit variance (a Gaussian likelihood). Each
preprocessor's state is a dict of JSON scalars plus NumPy arrays, so models save without pickle.

On the way back, values are clipped by default to the range each feature (each pixel) spans in
the training set, as SDV's ``enforce_min_max_values``, so a feature constant in training stays
constant in synthetic data (why: ``docs/choice.md``).
"""

from __future__ import annotations

import numpy as np


def _dtype_bounds(dtype: np.dtype) -> tuple[float, float] | None:
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return float(info.min), float(info.max)
    return None


def _cast_back(x: np.ndarray, dtype: np.dtype, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    """Cast decoded floats to ``dtype``: integers are rounded and clipped to the valid range
    (in place: ``x`` is a temporary of the caller's)."""
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.integer):
        b = _dtype_bounds(dtype)
        lo = b[0] if lo is None else max(lo, b[0])
        hi = b[1] if hi is None else min(hi, b[1])
        np.rint(x, out=x)
        np.clip(x, lo, hi, out=x)
        return x.astype(dtype)
    if dtype == np.bool_:
        return x >= 0.5
    return x.astype(dtype)


class ImagePreprocessor:
    """(N, H, W) or (N, C, H, W) images, uint8 or float, to (N, C, H, W) float32 in [0, 1].

    uint8 images are scaled from 0 to the training set's maximum (255 for 8-bit pictures; 16 for
    digits' counts stored as bytes, which divided by 255 would reach the network nearly black);
    other dtypes by the training set's global minimum and maximum. ``inverse_transform`` undoes
    both and restores the input's layout.
    """

    kind = "image"

    def fresh(self) -> "ImagePreprocessor":
        """An unfitted preprocessor of the same kind (for a fold's generator)."""
        return ImagePreprocessor()

    def fit(self, X: np.ndarray) -> "ImagePreprocessor":
        X = np.asarray(X)
        self.has_channel_ = X.ndim == 4
        self.shape_ = tuple(int(s) for s in X.shape[1:])
        self.dtype_ = X.dtype.str
        if X.dtype == np.uint8:
            self.low_, self.high_ = 0.0, float(max(int(X.max()), 1))
        else:
            self.low_, self.high_ = float(X.min()), float(X.max())
            if self.high_ <= self.low_:
                self.high_ = self.low_ + 1.0
        # each pixel's range over the training set, in the input's scale
        self.pixel_min_ = X.min(axis=0).astype(np.float64)
        self.pixel_max_ = X.max(axis=0).astype(np.float64)
        return self

    @property
    def model_shape(self) -> tuple[int, int, int]:
        """(C, H, W) as the network sees it."""
        return self.shape_ if self.has_channel_ else (1, *self.shape_)

    def check(self, X: np.ndarray) -> None:
        if tuple(X.shape[1:]) != self.shape_:
            colours = [len(s) == 3 and s[0] == 3 for s in (tuple(X.shape[1:]), self.shape_)]
            hint = ("; colour against grey: convert the images to the model's (e.g. PIL's .convert('L') or "
                    "'RGB')" if colours[0] != colours[1] and X.shape[-2:] == self.shape_[-2:] else "")
            if len(self.shape_) == 3 and tuple(X.shape[1:]) == (*self.shape_[1:], self.shape_[0]):
                hint = "; these are channels last, as PIL, Keras and OpenCV give them: pass X.transpose(0, 3, 1, 2)"
            raise ValueError(f"images of shape {tuple(X.shape[1:])} given to a model fitted on {self.shape_}{hint}")

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        self.check(X)
        # a fresh array, scaled in place (the same values, one allocation); integers wider than 16
        # bits in float64, which holds them exactly (float32 would round 2**31 + 200 to 2**31 + 256)
        wide = np.issubdtype(X.dtype, np.integer) and X.dtype.itemsize > 2
        out = X.astype(np.float64 if wide else np.float32)
        out -= out.dtype.type(self.low_)
        out /= out.dtype.type(self.high_ - self.low_)
        np.clip(out, 0.0, 1.0, out=out)
        return out.astype(np.float32, copy=False).reshape(len(X), *self.model_shape)

    def inverse_transform(self, T: np.ndarray, clip_to_range: bool = True) -> np.ndarray:
        """Model-space images back to the input's scale, dtype and layout; ``clip_to_range``:
        each pixel within its training range (a model saved without the ranges is not clipped)."""
        dtype = np.dtype(self.dtype_)
        work = np.float64 if dtype.itemsize > 4 or np.issubdtype(dtype, np.integer) and dtype.itemsize > 2 else np.float32
        x = np.array(T, dtype=work).reshape(len(T), *self.shape_)  # a fresh copy, scaled in place
        x *= self.high_ - self.low_
        x += self.low_
        if clip_to_range and getattr(self, "pixel_min_", None) is not None:
            np.clip(x, self.pixel_min_.astype(work), self.pixel_max_.astype(work), out=x)
        return _cast_back(x, dtype, self.low_, self.high_)

    def within_range(self, X: np.ndarray) -> np.ndarray:
        """Images in the input's scale with each pixel clipped to its training range, as decodes are."""
        if getattr(self, "pixel_min_", None) is None:
            return X
        return np.clip(X, self.pixel_min_, self.pixel_max_).astype(X.dtype, copy=False)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return (
            {"kind": self.kind, "has_channel": self.has_channel_, "shape": list(self.shape_),
             "dtype": self.dtype_, "low": self.low_, "high": self.high_},
            {"pixel_min": self.pixel_min_, "pixel_max": self.pixel_max_},
        )

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> "ImagePreprocessor":
        p = cls()
        p.has_channel_ = bool(meta["has_channel"])
        p.shape_ = tuple(int(s) for s in meta["shape"])
        p.dtype_ = str(meta["dtype"])
        p.low_, p.high_ = float(meta["low"]), float(meta["high"])
        # a model saved before the ranges were kept has none: it is not clipped
        p.pixel_min_, p.pixel_max_ = arrays.get("pixel_min"), arrays.get("pixel_max")
        return p


#: Standardised values are clipped to ±CLIP training standard deviations: a feature that is
#: nearly constant in training can otherwise put a single new value 40σ out and let it dominate
#: the (calibrated gaussian) validation loss that picks the best epoch.
CLIP = 5.0


class VectorPreprocessor:
    """(N, D) feature vectors to standardised float32 clipped to ±5; constant features get unit
    scale.

    ``inverse_transform`` unstandardises, clips each feature to the range seen at fit time
    (always for integer features, so decoded counts stay valid counts) and casts to the input
    dtype (integers rounded).
    """

    kind = "vector"

    def fresh(self) -> "VectorPreprocessor":
        """An unfitted preprocessor of the same kind (for a fold's generator)."""
        return VectorPreprocessor()

    def fit(self, X: np.ndarray) -> "VectorPreprocessor":
        X = np.asarray(X)
        Xf = X.astype(np.float64)
        self.n_features_ = X.shape[1]
        self.dtype_ = X.dtype.str
        self.mean_ = Xf.mean(axis=0)
        scale = Xf.std(axis=0)
        self.scale_ = np.where(scale > 1e-12, scale, 1.0)
        self.min_ = Xf.min(axis=0)
        self.max_ = Xf.max(axis=0)
        return self

    @property
    def model_shape(self) -> tuple[int]:
        return (self.n_features_,)

    def check(self, X: np.ndarray) -> None:
        if X.ndim != 2 or X.shape[1] != self.n_features_:
            raise ValueError(
                f"data with {X.shape[1:] } features per sample given to a model fitted on "
                f"{self.n_features_} features"
            )

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        self.check(X)
        T = (X.astype(np.float64) - self.mean_) / self.scale_
        return np.clip(T, -CLIP, CLIP).astype(np.float32)

    def inverse_transform(self, T: np.ndarray, clip_to_range: bool = True) -> np.ndarray:
        x = np.asarray(T, dtype=np.float64) * self.scale_ + self.mean_
        dtype = np.dtype(self.dtype_)
        if clip_to_range or np.issubdtype(dtype, np.integer):
            np.clip(x, self.min_, self.max_, out=x)
        return _cast_back(x, dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return (
            {"kind": self.kind, "n_features": self.n_features_, "dtype": self.dtype_},
            {"mean": self.mean_, "scale": self.scale_, "min": self.min_, "max": self.max_},
        )

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> "VectorPreprocessor":
        p = cls()
        p.n_features_ = int(meta["n_features"])
        p.dtype_ = str(meta["dtype"])
        p.mean_, p.scale_ = arrays["mean"], arrays["scale"]
        p.min_, p.max_ = arrays["min"], arrays["max"]
        return p


def make_preprocessor(kind: str):
    """An unfitted preprocessor for ``"image"`` or ``"vector"`` data (a sequence one is made for
    its input: :meth:`vaeaug.sequences.SequencePreprocessor.for_input`)."""
    return {"image": ImagePreprocessor, "vector": VectorPreprocessor}[kind]()


def preprocessor_from_state(meta: dict, arrays: dict[str, np.ndarray]):
    from .sequences import SequencePreprocessor

    cls = {"image": ImagePreprocessor, "vector": VectorPreprocessor, "sequence": SequencePreprocessor}[meta["kind"]]
    return cls.from_state(meta, arrays)
