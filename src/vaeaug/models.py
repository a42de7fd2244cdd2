"""Encoders, decoders, the VAE and its loss (Kingma & Welling, "Auto-Encoding Variational Bayes",
ICLR 2014). The decoder may be conditioned on the class (a one-hot vector beside ``z``), so that a
synthetic code decodes as the class it was made for; the encoder never needs the label, so
``encode`` works on unlabelled data.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class VAEConfig:
    """Everything needed to rebuild a VAE's modules; round-trips through JSON."""

    architecture: str  # "mlp", "conv" (images), "tconv" or "gru" (sequences)
    input_shape: tuple[int, ...]  # (D,) for mlp, (C, H, W) for conv, (C, L) for tconv and gru
    latent_dim: int = 16
    hidden_sizes: tuple[int, ...] = (512, 256)  # mlp: layer widths; conv: channels per stride-2 conv
    n_classes: int = 0  # > 0: decoder conditioned on a one-hot label
    likelihood: str = "bernoulli"  # "bernoulli" (BCE, data in [0, 1]) or "gaussian" (MSE)
    dropout: float = 0.0
    conv_dense: int = 256  # conv only: width of the dense layer between convs and z
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["input_shape"] = list(self.input_shape)
        d["hidden_sizes"] = list(self.hidden_sizes)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "VAEConfig":
        d = dict(d)
        d["input_shape"] = tuple(d["input_shape"])
        d["hidden_sizes"] = tuple(d["hidden_sizes"])
        return cls(**d)


def _mlp(sizes: list[int], dropout: float) -> nn.Sequential:
    # ReLUs act in place throughout: the Linear or conv before each one does not need its output
    # for the gradient, and the conv VAE's epoch saves a pass over every activation (70×70 at
    # batch 256: 8.4-8.6 s → 8.0 s; the same values bit for bit)
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU(inplace=True)]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def conv_sizes(size: int, n_layers: int) -> list[int]:
    """Spatial sizes after each stride-2, kernel-3, padding-1 conv: s → ceil(s / 2)."""
    out = [size]
    for _ in range(n_layers):
        out.append((out[-1] + 1) // 2)
    return out


def n_conv_layers(h: int, w: int, wanted: int) -> int:
    """As many of the ``wanted`` halvings as keep the feature map at least 4 pixels a side."""
    n = 0
    while n < wanted and min(h, w) >= 8:
        h, w = (h + 1) // 2, (w + 1) // 2
        n += 1
    return max(n, 1)


class VAE(nn.Module):
    """A VAE whose encoder and decoder are MLPs, stride-2 conv stacks (images), temporal conv
    stacks or GRUs (sequences), by ``config.architecture``.

    ``encode(x)`` → (μ, log σ²); ``reparameterize`` draws z = μ + σ ⊙ ε; ``decode(z, y)`` →
    logits (bernoulli) or means (gaussian) of shape ``(N, *input_shape)``.
    """

    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = c = config
        d, k = c.latent_dim, c.n_classes
        if c.architecture == "mlp":
            (n_in,) = c.input_shape
            widths = [n_in, *c.hidden_sizes]
            self.enc = _mlp(widths, c.dropout)
            feat = widths[-1]
            self.dec = nn.Sequential(
                _mlp([d + k, *reversed(widths[1:])], c.dropout), nn.Linear(widths[1], n_in)
            )
        elif c.architecture == "conv":
            ch, h, w = c.input_shape
            n = n_conv_layers(h, w, len(c.hidden_sizes))
            chans = [ch, *c.hidden_sizes[:n]]
            hs, ws = conv_sizes(h, n), conv_sizes(w, n)
            enc: list[nn.Module] = []
            for a, b in zip(chans[:-1], chans[1:]):
                enc += [nn.Conv2d(a, b, 3, stride=2, padding=1), nn.ReLU(inplace=True)]
            flat = chans[-1] * hs[-1] * ws[-1]
            enc += [nn.Flatten(), nn.Linear(flat, c.conv_dense), nn.ReLU(inplace=True)]
            if c.dropout > 0:
                enc.append(nn.Dropout(c.dropout))
            self.enc = nn.Sequential(*enc)
            feat = c.conv_dense
            dec: list[nn.Module] = [
                nn.Linear(d + k, c.conv_dense), nn.ReLU(inplace=True),
                nn.Linear(c.conv_dense, flat), nn.ReLU(inplace=True),
                nn.Unflatten(1, (chans[-1], hs[-1], ws[-1])),
            ]
            for i in range(n, 0, -1):
                # ConvTranspose(k=3, s=2, p=1) gives 2s − 1 + output_padding: pick the padding
                # that lands exactly on the encoder's size at this level.
                op_h, op_w = hs[i - 1] - (2 * hs[i] - 1), ws[i - 1] - (2 * ws[i] - 1)
                dec.append(nn.ConvTranspose2d(chans[i], chans[i - 1], 3, 2, 1, output_padding=(op_h, op_w)))
                if i > 1:
                    dec.append(nn.ReLU(inplace=True))
            self.dec = nn.Sequential(*dec)
        elif c.architecture == "tconv":
            self.enc, self.dec, feat = _tconv(c)
        elif c.architecture == "gru":
            ch, length = c.input_shape
            width = c.hidden_sizes[0]
            self.enc, self.dec, feat = GRUEncoder(ch, width), GRUDecoder(d + k, width, ch, length), 2 * width
        else:
            raise ValueError(f"architecture must be 'mlp', 'conv', 'tconv' or 'gru', got {c.architecture!r}")
        self.mu = nn.Linear(feat, d)
        self.logvar = nn.Linear(feat, d)
        if c.architecture == "conv":
            # channels-last (NHWC) weights and inputs: oneDNN's CPU convolutions run faster in that
            # layout (benchmarks/throughput.py, 70×70 at batch 256: training 382 → 506 samples/s)
            self.to(memory_format=torch.channels_last)
        if c.likelihood == "gaussian":
            # shared observation log-variance, log σ², of the calibrated gaussian decoder
            self.register_buffer("log_sigma2", torch.zeros(()))
        # float32 whatever torch's default dtype: a user's set_default_dtype(torch.float64) must not
        # give float64 weights that the float32 inputs cannot meet
        self.float()

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.config.architecture == "conv":
            x = x.contiguous(memory_format=torch.channels_last)
        h = self.enc(x)
        return self.mu(h), self.logvar(h)

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        # z = μ + σ ⊙ ε, ε ~ N(0, I): the reparameterisation trick (Kingma & Welling 2014, §2.4)
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def decode(self, z: torch.Tensor, y_onehot: torch.Tensor | None = None) -> torch.Tensor:
        if self.config.n_classes:
            if y_onehot is None:
                raise ValueError("this VAE is class-conditional: decode needs the labels")
            z = torch.cat([z, y_onehot], dim=1)
        return self.dec(z).view(len(z), *self.config.input_shape)

    def forward(self, x: torch.Tensor, y_onehot: torch.Tensor | None = None):
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode(z, y_onehot), mu, logvar

    def output(self, raw: torch.Tensor) -> torch.Tensor:
        """Decoder output in data space: probabilities for bernoulli, means for gaussian."""
        return torch.sigmoid(raw) if self.config.likelihood == "bernoulli" else raw


def _tconv(c: VAEConfig) -> tuple[nn.Module, nn.Module, int]:
    """Temporal-convolution encoder and decoder for (C, L) sequences: stride-2, kernel-5 Conv1d
    layers (each halves L) and their transposes, with a dense layer to and from z."""
    ch, length = c.input_shape
    n = n_conv_layers(length, length, len(c.hidden_sizes))
    chans = [ch, *c.hidden_sizes[:n]]
    ls = conv_sizes(length, n)  # kernel 5, padding 2, stride 2 halves as kernel 3, padding 1 does
    enc: list[nn.Module] = []
    for a, b in zip(chans[:-1], chans[1:]):
        enc += [nn.Conv1d(a, b, 5, stride=2, padding=2), nn.ReLU(inplace=True)]
    flat = chans[-1] * ls[-1]
    enc += [nn.Flatten(), nn.Linear(flat, c.conv_dense), nn.ReLU(inplace=True)]
    if c.dropout > 0:
        enc.append(nn.Dropout(c.dropout))
    dec: list[nn.Module] = [
        nn.Linear(c.latent_dim + c.n_classes, c.conv_dense), nn.ReLU(inplace=True),
        nn.Linear(c.conv_dense, flat), nn.ReLU(inplace=True), nn.Unflatten(1, (chans[-1], ls[-1])),
    ]
    for i in range(n, 0, -1):
        dec.append(nn.ConvTranspose1d(chans[i], chans[i - 1], 5, 2, 2, output_padding=ls[i - 1] - (2 * ls[i] - 1)))
        if i > 1:
            dec.append(nn.ReLU(inplace=True))
    return nn.Sequential(*enc), nn.Sequential(*dec), c.conv_dense


class GRUEncoder(nn.Module):
    """A bidirectional GRU over (N, C, L) sequences; its two last states, joined, summarise each."""

    def __init__(self, channels: int, width: int):
        super().__init__()
        self.gru = nn.GRU(channels, width, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(x.transpose(1, 2))
        return torch.cat([h[0], h[1]], dim=1)


class GRUDecoder(nn.Module):
    """A GRU that unrolls L steps from z (its initial state, and its input at every step beside
    the step's position), read out to C channels per step."""

    def __init__(self, n_in: int, width: int, channels: int, length: int):
        super().__init__()
        self.length = length
        self.init = nn.Linear(n_in, width)
        self.gru = nn.GRU(n_in + 1, width, batch_first=True)
        self.out = nn.Linear(width, channels)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        pos = torch.linspace(0, 1, self.length, dtype=z.dtype, device=z.device).expand(len(z), -1)[..., None]
        steps = torch.cat([z[:, None, :].expand(-1, self.length, -1), pos], dim=2)
        h, _ = self.gru(steps, torch.tanh(self.init(z))[None])
        return self.out(h).transpose(1, 2)


MIN_LOG_SIGMA2 = math.log(1e-3)


def optimal_log_sigma2(raw: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """log of the variance that maximises the gaussian likelihood of this batch: log MSE
    (Rybkin et al., "Simple and Effective VAE Training with Calibrated Decoders", ICML 2021),
    floored so a perfect fit cannot drive the loss to −∞. Detached: not a learned path."""
    return torch.log(F.mse_loss(raw.detach(), x)).clamp(min=MIN_LOG_SIGMA2)


def vae_loss(
    raw: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor, beta: float,
    likelihood: str, log_sigma2: torch.Tensor | None = None, free_bits: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Negative β-ELBO per sample, averaged over the batch: (total, reconstruction, KL).

    Reconstruction is −log p(x|z): summed BCE for bernoulli; for gaussian,
    ½ Σ (x − x̂)² / σ² + ½ D log 2πσ² with a shared σ² (``log_sigma2``; default: the batch's
    optimum, see :func:`optimal_log_sigma2`). A fixed σ = 1 on standardised features lets the
    KL term win and the posterior collapse; the calibrated σ avoids that.
    KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²) (Kingma & Welling 2014, Appendix B);
    β weighs it (Higgins et al., β-VAE, ICLR 2017). ``free_bits`` λ > 0 charges each latent
    dimension max(λ, KL_d) with KL_d its batch-mean KL ("free bits", Kingma et al., NeurIPS 2016),
    so the optimiser gains nothing by switching dimensions off; the returned KL is the true one.
    """
    n = len(x)
    if likelihood == "bernoulli":
        rec = F.binary_cross_entropy_with_logits(raw, x, reduction="sum") / n
    else:
        if log_sigma2 is None:
            log_sigma2 = optimal_log_sigma2(raw, x)
        d = x[0].numel()
        se = F.mse_loss(raw, x, reduction="sum") / n
        rec = 0.5 * se / log_sigma2.exp() + 0.5 * d * (log_sigma2 + math.log(2 * math.pi))
    kl_d = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).mean(dim=0)  # per dimension, batch mean
    kl = kl_d.sum()
    charged = kl_d.clamp(min=free_bits).sum() if free_bits > 0 else kl
    return rec + beta * charged, rec, kl
