"""Offspring from a fitted augmenter: codes drawn block by block (:func:`~vaeaug.latent.synthesize_blocks`)
and decoded in the same blocks, so that a seed gives the same samples taken whole, streamed in
chunks of any size, or scored as candidates inside ``fit``."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator

import numpy as np

from .decoding import Sources, allowed_decodings, decode_model, sources_for
from .errors import NoGainWarning, warn_caller
from .frames import check_names
from .latent import (
    DEFAULT_STRENGTH,
    NEIGHBOUR_METHODS,
    SyntheticCodes,
    concat_codes,
    same_class_neighbours,
    synthesize_blocks,
)
from .moments import MomentMatch, RunningMoments, match_to_sources
from .params import check_strength
from .priors import resolved_match_moments, resolved_n_per_sample
from .threads import work_threads
from .validation import check_labels_known, check_X_y, warn_model_scale


def _code_blocks(aug, Z: np.ndarray, y: np.ndarray, method: str, n_per_sample: int, strength, rng,
                 small_classes: str, neighbours=None) -> Iterator[SyntheticCodes]:
    return synthesize_blocks(Z, y, method, n_per_sample, strength, k=aug.n_neighbors, rng=rng,
                             spread=aug.latent_spread_, small_classes=small_classes, neighbours=neighbours)


def small_class_rule(small_classes: str, method) -> str:
    """``"auto"`` as a rule of :data:`~vaeaug.latent.SMALL_CLASS_RULES`: where the method is the
    choice's (``None``, ``"auto"``), a sample alone in its class takes noise offspring, since the
    defaults must not fail on a class of one; where the caller named a method, it is refused."""
    if small_classes != "auto":
        return small_classes
    return "noise" if method in (None, "auto") else "raise"


def codes(aug, X: np.ndarray, y: np.ndarray, method: str, n_per_sample: int, strength, rng,
          small_classes: str) -> SyntheticCodes:
    """All synthetic codes of checked (X, y), joined."""
    Z = aug.vae_.encode(X)
    return concat_codes(_code_blocks(aug, Z, y, method, n_per_sample, strength, rng, small_classes),
                        Z.shape[1], y.dtype)


def request(aug, X, y, method, n_per_sample, strength, random_state, decoding, owner: str,
            streaming: bool = False):
    """A generation request, checked and completed by the augmenter's own choices: (X, y, method,
    n_per_sample, strength, rng, decoding); a ``None`` strength means nothing is to be made."""
    vae = aug._vae()
    check_strength(strength, owner=owner)
    check_names(X, getattr(aug, "feature_names_in_", None), owner)
    index = getattr(y, "index", getattr(X, "index", None))  # pandas row labels, for the message
    X, y = check_X_y(X, y)
    aug._check_features(X)
    warn_model_scale(X, vae.preprocessor)
    if vae.config.n_classes:
        check_labels_known(y, aug.classes_, index=index)
    method = aug.method_ if method in (None, "auto") else method  # "auto", as the constructor spells fit's choice
    strength = None if isinstance(strength, str) else strength  # "auto" (the only string its constraint admits)
    n_per_sample = resolved_n_per_sample(aug.n_per_sample if n_per_sample is None else n_per_sample, vae.kind)
    decoding = aug.decoding_.get(method, "direct") if decoding in (None, "auto") else decoding
    if decoding not in allowed_decodings(vae.kind):
        raise ValueError(f"decoding must be one of {allowed_decodings(vae.kind)} for this model, got {decoding!r}")
    if strength is None:
        strength = aug.strength_.get(method, DEFAULT_STRENGTH.get(method))  # a model saved before the method
        if strength is None:  # the choice found no setting that helps: nothing to make
            warn_caller(
                f"the harm check rejected every setting of {method!r} (selection_['fallback']), and "
                "on_no_gain='skip', so no samples are made for it; pass a strength to generate anyway, "
                "or fit with on_no_gain='near_copies'", NoGainWarning)
    if not streaming and strength is not None:
        check_fits_in_memory(len(X) * n_per_sample, X, owner)
    rng = np.random.default_rng(aug.seed_ if random_state is None else random_state)
    return X, y, method, n_per_sample, strength, rng, decoding


def physical_memory() -> int:
    """This machine's memory in bytes (8 GiB where the system does not say)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return 8 * 2**30


def check_fits_in_memory(n_samples: int, X: np.ndarray, owner: str) -> None:
    """Refuse a request whose output (held twice while it is joined) would take over half of
    this machine's memory, naming the streaming alternative, instead of dying in the allocation."""
    need = 2 * n_samples * int(np.prod(X.shape[1:])) * max(X.dtype.itemsize, 4)
    if need > physical_memory() // 2:
        raise ValueError(
            f"{owner} was asked for {n_samples:,} samples, which would take about {need / 2**30:.1f} GiB of the "
            f"{physical_memory() / 2**30:.0f} GiB here: stream them with generate_batches(..., batch_size=...) "
            "(vaeaug augment --shard-size N), or ask for fewer")


def no_codes(aug, y: np.ndarray) -> SyntheticCodes:
    """No synthetic codes: what a method the choice found no gain for makes."""
    return concat_codes((), aug.vae_.config.latent_dim, y.dtype)


class OffspringMaker:
    """Makes offspring of one set of source samples for many (method, strength) requests, encoding
    the sources and decoding their own codes once. Where the augmenter matches moments
    (``match_moments``), every request's offspring get their sources' per-feature mean and
    spread (:mod:`vaeaug.moments`), fitted over the whole request before its first block."""

    def __init__(self, aug, X: np.ndarray, y: np.ndarray, decodings: tuple[str, ...]):
        self.aug, self.X, self.y, self.decodings = aug, X, y, decodings
        self.Z = aug.vae_.encode(X)
        self.sources: Sources | None = sources_for(aug.vae_, X, y, self.Z, decodings)
        self._neighbours: np.ndarray | None = None

    def neighbours(self, method: str) -> np.ndarray | None:
        """The same-class neighbour table, found once for every neighbour method."""
        if method not in NEIGHBOUR_METHODS:
            return None
        if self._neighbours is None:
            self._neighbours = same_class_neighbours(self.Z, self.y, self.aug.n_neighbors)
        return self._neighbours

    def _model_blocks(self, method: str, n_per_sample: int, strength, rng, small_classes: str,
                      decodings: tuple[str, ...], in_range: bool = False
                      ) -> Iterator[tuple[SyntheticCodes, dict[str, np.ndarray]]]:
        """(codes, {decoding: model-space rows}) per block of :data:`~vaeaug.latent.BLOCK_SIZE`
        codes; ``in_range``: each feature clipped to its training range (a round trip through the
        caller's scale)."""
        aug, vae = self.aug, self.aug.vae_
        for block in _code_blocks(aug, self.Z, self.y, method, n_per_sample, strength, rng, small_classes,
                                  self.neighbours(method)):
            T = decode_model(vae, block, decodings, self.sources, aug.warp_settings_)
            yield block, ({d: vae.model_space(vae.to_input(t, True)) for d, t in T.items()} if in_range else T)

    def _matching(self) -> bool:
        return resolved_match_moments(self.aug.match_moments, self.aug.vae_.kind)

    def _matches(self, parts, decodings: tuple[str, ...]) -> dict[str, MomentMatch]:
        """Per decoding, the moment match of a request's offspring, ``parts`` (its (codes,
        {decoding: model-space rows}) blocks, range-clipped), to their sources."""
        T_src = self.sources.T if self.sources is not None else self.aug.vae_.model_space(self.X)
        off, counts = {d: RunningMoments() for d in decodings}, np.zeros(len(T_src))
        for block, T in parts:
            counts += np.bincount(block.source, minlength=len(T_src))
            for d in decodings:
                off[d].add(T[d])
        return {d: match_to_sources(off[d], T_src, counts) for d in decodings}

    def _matched(self, T: dict[str, np.ndarray], matches: dict[str, MomentMatch]) -> dict[str, np.ndarray]:
        """Model-space rows, matched, in the caller's form (the range was enforced before the match)."""
        return {d: self.aug.vae_.to_input(matches[d].apply(t), False) for d, t in T.items()}

    def blocks(self, method: str, n_per_sample: int, strength, rng, small_classes: str = "raise",
               decodings: tuple[str, ...] | None = None) -> Iterator[tuple[SyntheticCodes, dict[str, np.ndarray]]]:
        """(codes, {decoding: samples}) per block of :data:`~vaeaug.latent.BLOCK_SIZE` codes.

        Under moment matching the range is enforced on the decodes, before the match: a feature
        keeps the training range as the match maps it, and one constant among the sources stays
        constant (a clip after the match would pile the stretched tails up at the bounds). A
        stream measures the request in a first pass over the same draws (a copy of ``rng``)."""
        decodings = decodings or self.decodings
        vae, enforce = self.aug.vae_, self.aug.enforce_range
        if not self._matching():
            for block, T in self._model_blocks(method, n_per_sample, strength, rng, small_classes, decodings):
                yield block, {d: vae.to_input(t, enforce) for d, t in T.items()}
            return
        matches = self._matches(self._model_blocks(method, n_per_sample, strength, copy.deepcopy(rng), small_classes,
                                                   decodings, enforce), decodings)
        for block, T in self._model_blocks(method, n_per_sample, strength, rng, small_classes, decodings, enforce):
            yield block, self._matched(T, matches)

    def make(self, method: str, n_per_sample: int, strength, rng, small_classes: str = "raise",
             decodings: tuple[str, ...] | None = None) -> tuple[SyntheticCodes, dict[str, np.ndarray]]:
        """Every block of :meth:`blocks`, joined: (codes, {decoding: samples}); under moment
        matching the blocks are decoded once, measured, then matched (the stream's samples)."""
        decodings = decodings or self.decodings
        if self._matching():
            model = list(self._model_blocks(method, n_per_sample, strength, rng, small_classes, decodings,
                                            self.aug.enforce_range))
            matches = self._matches(model, decodings)
            parts = [(block, self._matched(T, matches)) for block, T in model]
        else:
            parts = list(self.blocks(method, n_per_sample, strength, rng, small_classes, decodings))
        joined = concat_codes([c for c, _ in parts], self.Z.shape[1], self.y.dtype)
        if not parts:  # no offspring (e.g. every class a singleton under small_classes="skip")
            empty = self.aug.vae_.to_input(np.zeros((0, int(np.prod(self.aug.vae_.preprocessor.model_shape))),
                                                    np.float32), True)
            return joined, {d: empty for d in decodings}
        return joined, {d: np.concatenate([s[d] for _, s in parts]) for d in decodings}


def moves_rng(random_state) -> np.random.Generator:
    """The moved copies' own random stream, apart from the VAE's draws, so that composing never
    changes the VAE's offspring."""
    return np.random.default_rng(None if random_state is None else [int(random_state), 1])


def moved_copies(aug, compose: str, X, y: np.ndarray, n_per_sample: int, rng: np.random.Generator,
                 batch_size: int | None = None) -> Iterator[tuple[object, np.ndarray]]:
    """``n_per_sample`` input-space moves (:data:`vaeaug.moves.MOVES`) of each sample of ``X``,
    ordered by source, as (X_chunk, y_chunk) of at most ``batch_size`` (one chunk: ``None``);
    images kept within their training range as decodes are (``enforce_range``), sequences in
    ``X``'s form (a list, or an array for an (N, T, C) array)."""
    from .moves import MOVES

    move = MOVES[compose]
    clip = aug.enforce_range and aug.vae_.kind == "image"
    per_chunk = len(y) if batch_size is None else max(1, batch_size // n_per_sample)
    for s in range(0, len(y), max(per_chunk, 1)):
        part = X[s : s + per_chunk]
        X_mv, y_mv = move(part, y[s : s + per_chunk], n_per_sample, random_state=rng)
        if isinstance(X_mv, list) and isinstance(X, np.ndarray) and X.dtype != object:
            X_mv = np.stack(X_mv) if X_mv else X[:0]
        yield (aug.vae_.preprocessor.within_range(X_mv) if clip else X_mv), y_mv


def moved_codes(Z: np.ndarray, y: np.ndarray, n_per_sample: int) -> SyntheticCodes:
    """The rows :class:`~vaeaug.latent.SyntheticCodes` gives moved copies: the source's own code, no partner."""
    src = np.repeat(np.arange(len(y)), n_per_sample)
    return SyntheticCodes(Z[src], y[src], src, np.full(len(src), -1), np.ones(len(src), dtype=bool))


def reconstructed_moves(aug, compose: str, X: np.ndarray, X_in, y: np.ndarray, n: int, seed,
                        batch_size: int | None) -> Iterator[tuple[object, np.ndarray, SyntheticCodes]]:
    """(samples, labels, codes) in chunks: the reconstruction of each of ``n`` moved copies of
    every sample of ``X_in`` (the caller's form; ``X`` the model's), then the copies themselves
    (drawn twice from one seed: the same copies, in bounded memory). So ``n`` reconstructions
    differ where ``z' = z`` would repeat one decode."""
    for moved in (False, True):
        Z_src = None
        for X_mv, y_mv, source in with_sources(moved_copies(aug, compose, X_in, y, n, moves_rng(seed), batch_size), n):
            with work_threads(aug.n_jobs, aug.n_features_in_):
                if moved:  # a copy's row holds its source's code, as in generate()
                    Z_src = aug.vae_.encode(X) if Z_src is None else Z_src
                    Z, out = Z_src[source], X_mv
                else:
                    fixed, lengths = aug._model_form(X_mv)
                    Z = aug.vae_.encode(fixed)
                    out = aug._caller_form(aug.vae_.to_input(aug.vae_.decode(Z, y_mv), aug.enforce_range), lengths)
            yield out, y_mv, SyntheticCodes(Z, y_mv, source, np.full(len(y_mv), -1), np.full(len(y_mv), moved))


def chunks(parts: Iterator[tuple[SyntheticCodes, dict[str, np.ndarray]]], decoding: str,
           batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(X_chunk, y_chunk, source_chunk) of at most ``batch_size`` samples from :meth:`OffspringMaker.blocks`."""
    for block, samples in parts:
        X_new = samples[decoding]
        for s in range(0, len(X_new), batch_size):
            yield X_new[s : s + batch_size], block.y[s : s + batch_size], block.source[s : s + batch_size]


def with_sources(copies: Iterator[tuple[object, np.ndarray]], n_per_sample: int):
    """:func:`moved_copies`' chunks as (X_chunk, y_chunk, source_chunk): ``n_per_sample`` copies of
    each sample in turn."""
    start = 0
    for X_mv, y_mv in copies:
        k = len(y_mv) // n_per_sample
        yield X_mv, y_mv, np.arange(start, start + k).repeat(n_per_sample)
        start += k


