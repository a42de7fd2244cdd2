"""The command line's model options, generated from :class:`~vaeaug.VAEAugmenter`'s parameters:
names, defaults, constraints and docstring, so that the CLI and the estimator cannot drift apart."""

from __future__ import annotations

import argparse
import inspect
import re

from sklearn.utils._param_validation import Interval, StrOptions

#: Parameters the CLI spells as common options of every sub-command (``--seed``, ``--quiet``).
COMMON = ("random_state", "verbose")
#: Parameters that take Python objects (a classifier): not on the command line.
PYTHON_ONLY = ("estimator",)
#: Older spellings kept working.
ALIASES = {"learning_rate": ("--lr",), "hidden_sizes": ("--hidden",)}


def _strength(text: str):
    """``auto`` → "auto"; ``0.5`` → 0.5; ``0.2,0.8`` → (0.2, 0.8), a range drawn from uniformly."""
    if text == "auto":
        return text
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"strength is auto, a number or LOW,HIGH; got {text!r}") from None
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return (parts[0], parts[1])
    raise argparse.ArgumentTypeError(f"strength is auto, a number or LOW,HIGH; got {text!r}")


def _hidden(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split(",") if p)
    except ValueError:
        raise argparse.ArgumentTypeError("hidden sizes are comma-separated integers, e.g. 512,256") from None


def _int_or_none(text: str) -> int | None:
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or none, got {text!r}") from None


def _word_or_bool(words):
    """A parser for options such as ``--match-moments auto`` / ``true`` / ``false``."""
    def parse(text: str):
        if text in words:
            return text
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise argparse.ArgumentTypeError(f"expected {', '.join(sorted(words))}, true or false; got {text!r}")

    return parse


def _word_or_number(words, numeric):
    """A parser for options such as ``--cv auto`` / ``--cv 5``: one of ``words``, else a number."""
    def parse(text: str):
        if text in words:
            return text
        try:
            return numeric(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {' or '.join(sorted(words))} or a number, got {text!r}") from None
    return parse


def parameter_help(cls) -> dict[str, str]:
    """Each parameter's description from the class docstring's numpydoc ``Parameters`` section."""
    doc = inspect.getdoc(cls) or ""
    section = doc.split("Parameters\n----------\n", 1)[-1].split("\n\n", 1)[0]
    out: dict[str, str] = {}
    for m in re.finditer(r"^(\w+) : [^\n]*\n((?:    [^\n]*\n?)*)", section, flags=re.M):
        text = " ".join(m.group(2).split())
        text = re.sub(r":\w+:`~?(?:[\w.]+\.)?(\w+)`", r"\1", text)  # :class:`~vaeaug.X` -> X
        out[m.group(1)] = text.replace("``", "")
    return out


def _kind(name: str, constraints: list) -> dict:
    """argparse keywords (type, choices, action) for one parameter's constraints."""
    if name == "hidden_sizes":
        return {"type": _hidden, "metavar": "N,N,..."}
    if name == "strength":
        return {"type": _strength, "metavar": "auto|S|LOW,HIGH"}
    words = next((c for c in constraints if isinstance(c, StrOptions)), None)
    number = next((c for c in constraints if isinstance(c, Interval)), None)
    if words is not None and number is not None:  # e.g. cv: "auto" or an integer
        return {"type": _word_or_number(words.options, int if number.type.__name__ == "Integral" else float),
                "metavar": "|".join(sorted(words.options)) + "|N"}
    if words is not None and "boolean" in constraints:  # e.g. match_moments: "auto", true or false
        return {"type": _word_or_bool(words.options), "metavar": "|".join(sorted(words.options)) + "|true|false"}
    for c in constraints:
        if c == "boolean":
            return {"action": argparse.BooleanOptionalAction}
        if isinstance(c, StrOptions):
            return {"choices": sorted(c.options)}
        if isinstance(c, Interval):
            numeric = int if c.type.__name__ == "Integral" else float
            return {"type": _int_or_none if None in constraints else numeric}
    return {"type": str}


def add_estimator_args(parser: argparse.ArgumentParser, cls, overrides: bool = False) -> None:
    """One option per constructor parameter of ``cls`` (but :data:`COMMON`). ``overrides``: every
    default is ``None``, meaning the estimator's own; otherwise the estimator's defaults."""
    params = {n: p.default for n, p in inspect.signature(cls.__init__).parameters.items() if n != "self"}
    helps = parameter_help(cls)
    title = "VAE overrides (default: VAEAugmenter's own)" if overrides else "model, training and generation"
    g = parser.add_argument_group(title)
    for name, default in params.items():
        if name in COMMON or name in PYTHON_ONLY:
            continue
        kw = _kind(name, cls._parameter_constraints[name])
        text = helps.get(name, "")
        if not overrides:
            text += " (default: %(default)s)"
        g.add_argument(f"--{name.replace('_', '-')}", *ALIASES.get(name, ()), dest=name,
                       default=None if overrides else default, help=text.replace("%", "%%").replace(
                           "%%(default)s", "%(default)s"), **kw)


def estimator_kwargs(args: argparse.Namespace, cls, overrides: bool = False) -> dict:
    """The constructor arguments that ``args`` gives; with ``overrides``, those given (a ``None``
    is left out, so the estimator's own value stands)."""
    return {name: getattr(args, name) for name in cls().get_params()
            if name not in COMMON and name not in PYTHON_ONLY and not (overrides and getattr(args, name) is None)}
