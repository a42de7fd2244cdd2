"""Other libraries' objects at the public edges: a decorator that reads a method's foreign inputs
(polars frames, torch tensors) as the forms vaeaug computes with, and gives its outputs back in the
caller's form. Each form brings its own reading and giving back (:mod:`vaeaug.polarsframes`,
:mod:`vaeaug.tensors`)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def at_edges(is_foreign: Callable[[object], bool], read: Callable,
             give_back: Callable[[object, dict], object]) -> Callable[[F], F]:
    """Decorate a public method so that each input ``is_foreign`` says is one of another library's
    is read by ``read``, and what the method returns is given to ``give_back(out, given)``, with
    ``given`` the caller's own arguments by name; a call with no such input is a plain call, and a
    method that returns ``self`` (``fit``) returns it."""

    def decorate(method: F) -> F:  # the method's own signature, for type checkers and help()
        names = list(inspect.signature(method).parameters)[1:]

        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not any(is_foreign(a) for a in (*args, *kwargs.values())):
                return method(self, *args, **kwargs)
            given = {**dict(zip(names, args)), **kwargs}
            out = method(self, *(read(a) for a in args), **{k: read(v) for k, v in kwargs.items()})
            return out if out is self else give_back(out, given)

        return wrapper  # type: ignore[return-value]

    return decorate
