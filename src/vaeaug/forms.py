"""The forms a caller's samples come in beside the model's arrays, and the way back: a (case,
time) frame, a list of frames, a list of PIL images, (N, H, W, C) pictures, sequences of one
channel without its axis.
The estimator reads each form to arrays at its edge and gives its outputs in the form that came."""

from __future__ import annotations

import numpy as np

from .frames import (check_names, frame_list_sequences, frames_like, is_frame_list, is_long_frame, long_chunks,
                     long_frame, long_sequences)
from .pictures import is_picture_list, picture_array, pictures
from .sequences import is_one_channel, with_channel, without_channel
from .validation import is_channels_last, is_picture_array_list


def form_of(X, kind: str) -> str | None:
    """The form of ``X`` for a model of data ``kind``: ``"cases"`` (a (case, time) frame),
    ``"frames"`` (a list of them, a recording each), ``"one_channel"`` (1-D sequences or an (N, T)
    array), ``"pictures"`` (PIL images), ``"array_list"`` (a list of numpy pictures),
    ``"channels_last"`` ((N, H, W, C) pictures), or ``None``: arrays, or a table, taken as they are."""
    if kind == "sequence":
        if is_long_frame(X):
            return "cases"
        if is_frame_list(X):
            return "frames"
        if is_one_channel(X):  # a frame is none: it is a table, or (case, time)
            return "one_channel"
    if kind == "image" and is_picture_list(X):
        return "pictures"
    if kind == "image" and is_picture_array_list(X):
        return "array_list"
    if kind == "image" and is_channels_last(X):
        return "channels_last"
    return None


def channels_first(X: np.ndarray) -> np.ndarray:
    """(N, H, W, C) pictures as the model reads them, (N, C, H, W)."""
    return np.ascontiguousarray(np.moveaxis(X, -1, 1))


def stacked_pictures(X) -> np.ndarray:
    """A list of numpy pictures (:func:`~vaeaug.validation.is_picture_array_list`) as the model's array:
    stacked, channels first."""
    A = np.stack(X)
    return channels_first(A) if A.ndim == 4 else A


def as_arrays(X, form: str | None, names, preprocessor, owner: str):
    """``X`` of ``form`` as the model reads it: sequences as a list of (T_i, C) arrays (a frame's
    channel columns checked against ``names``, the fitted ones), PIL images as the model's
    pictures (``preprocessor``'s size and depth); other input as it is."""
    if form == "pictures":
        return picture_array(X, preprocessor.shape_, preprocessor.dtype_)
    if form == "channels_last":
        return channels_first(X)
    if form == "array_list":
        return stacked_pictures(X)
    if form == "frames":
        return frame_list_sequences(X, names, owner)
    if form == "one_channel":
        return with_channel(X)
    if form == "cases":
        check_names(X, names, owner)
        return long_sequences(X)
    return X


def in_form(X_new, X, form: str | None, source):
    """Outputs ``X_new`` of the samples ``source`` (positions in ``X``) in ``X``'s form: new cases
    numbered after ``X``'s at their sources' time stamps, frames indexed as their sources, PIL
    images, 1-D sequences; arrays as they are."""
    if form == "cases":
        return long_frame(X_new, X, source=source)
    if form == "frames":
        return frames_like(X_new, X, source)
    if form == "pictures":
        return pictures(X_new)
    if form == "channels_last":
        return np.ascontiguousarray(np.moveaxis(X_new, 1, -1))
    if form == "array_list":  # a list of pictures, each laid out as the caller's were
        return list(np.moveaxis(X_new, 1, -1) if X[0].ndim == 3 else X_new)
    if form == "one_channel":
        return without_channel(X_new)
    return X_new


def chunks_in_form(stream, X, form: str | None):
    """A stream of ``((X_chunk, y_chunk), source_chunk)`` as ``(X_chunk, y_chunk)`` in ``X``'s form
    (cases numbered on across chunks, :func:`~vaeaug.frames.long_chunks`)."""
    if form == "cases":
        return long_chunks(stream, X)
    return ((in_form(chunk, X, form, source), y_chunk) for (chunk, y_chunk), source in stream)
