"""The fitted model: a trained VAE with the preprocessing around it. Samples in the caller's form
go in and come back out; codes and the model's space are what lies between."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .models import VAE, VAEConfig
from .preprocess import CLIP
from .validation import check_labels_known


@dataclass
class FittedVAE:
    """``model`` trained on data that ``preprocessor`` maps to the model's space; ``classes``
    index the one-hot labels of a class-conditional decoder."""

    model: VAE | None  # None until trained
    config: VAEConfig
    preprocessor: object
    classes: np.ndarray
    device: torch.device

    @property
    def kind(self) -> str:
        """The data kind the model was fitted on: ``"image"`` or ``"vector"``."""
        return self.preprocessor.kind

    def to_tensor(self, X: np.ndarray) -> torch.Tensor:
        """Samples (N, ...) in the caller's form → the model's input tensor on its device."""
        T = self.preprocessor.transform(X)
        return torch.from_numpy(T.reshape(len(T), *self.config.input_shape)).to(self.device)

    def onehot(self, y: np.ndarray | None) -> torch.Tensor | None:
        """One-hot labels for a class-conditional decoder; ``None`` for an unconditional one."""
        if not self.config.n_classes or y is None:
            return None
        idx = np.searchsorted(self.classes, y)
        out = torch.zeros(len(y), len(self.classes), dtype=torch.float32, device=self.device)
        out[torch.arange(len(y)), torch.from_numpy(idx).to(self.device)] = 1.0
        return out

    def encode_tensors(self, batches) -> np.ndarray:
        """Posterior means of model-space tensors, batch by batch: an (N, latent_dim) float32 array."""
        self.model.eval()
        with torch.no_grad():
            return np.concatenate([self.model.encode(t)[0].float().cpu().numpy() for t in batches])

    def encode(self, X: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Posterior means μ(x) of checked samples ``X`` (N, ...): (N, latent_dim) float32."""
        self.preprocessor.check(X)
        return self.encode_tensors(self.to_tensor(X[s : s + batch_size]) for s in range(0, len(X), batch_size))

    def decode(self, Z, y=None, batch_size: int = 1024) -> np.ndarray:
        """Codes (M, latent_dim) → the decoder's mean in the model's space, (M, D) float32 with D
        the flattened input size. ``y`` (M,) is needed by a class-conditional decoder only."""
        Z = np.asarray(Z, dtype=np.float32)
        if Z.ndim != 2 or Z.shape[1] != self.config.latent_dim:
            raise ValueError(f"Z must have shape (M, {self.config.latent_dim}), got {Z.shape}")
        if not np.isfinite(Z).all():
            raise ValueError(f"Z holds non-finite values at row {int(np.flatnonzero(~np.isfinite(Z).all(1))[0])}: "
                             "codes must be finite numbers")
        if self.config.n_classes:
            if y is None:
                raise ValueError("this augmenter is class-conditional: decoding needs the labels y")
            y = np.asarray(y)
            if len(y) != len(Z):
                raise ValueError(f"Z and y have different lengths: {len(Z)} and {len(y)}")
            check_labels_known(y, self.classes)
        else:
            y = None
        self.model.eval()
        out = []
        with torch.no_grad():
            for s in range(0, len(Z), batch_size):
                z = torch.from_numpy(Z[s : s + batch_size]).to(self.device)
                yy = None if y is None else self.onehot(y[s : s + batch_size])
                out.append(self.model.output(self.model.decode(z, yy)).float().cpu().numpy())
        T = np.concatenate(out) if out else np.zeros((0, *self.config.input_shape), np.float32)
        return T.reshape(len(T), int(np.prod(self.config.input_shape)))

    def model_space(self, X: np.ndarray) -> np.ndarray:
        """Samples in the model's space, flattened: (N, D) float32."""
        T = self.preprocessor.transform(X)
        return T.reshape(len(T), int(np.prod(self.config.input_shape)))

    def to_input(self, T: np.ndarray, enforce_range: bool) -> np.ndarray:
        """Model-space rows (M, D) → samples in the caller's scale, dtype and shape."""
        return self.preprocessor.inverse_transform(T, bool(enforce_range))

    def bounds(self) -> tuple[float, float]:
        """The valid range of the model's space: [0, 1] for images, ±CLIP for standardised vectors."""
        return (0.0, 1.0) if self.config.likelihood == "bernoulli" else (-CLIP, CLIP)
