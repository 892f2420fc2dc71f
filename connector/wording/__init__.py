"""The sentences for refusals and log lines, once, in the reader's language: each stream's
module (products, partners, orders, ...) adds its codes to TEXTS; `words()` renders one."""

from __future__ import annotations

import importlib

# code -> a lazy, translatable sentence with %(name)s placeholders.
TEXTS: dict = {}
_MODULES = ("products", "partners", "orders", "settings")
_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        TEXTS.update(module.TEXTS)
    _loaded = True


def words(code, **params) -> str:
    """The sentence for a refusal (or a code and its values) in the active language. An
    unknown code is shown as it is, with its values, rather than lost."""
    from ..mapping.refusals import Refusal

    if isinstance(code, Refusal):
        params = {**code.params, **params}
        code = code.code
    _load()
    text = TEXTS.get(code)
    if text is None:
        details = ", ".join(f"{k}: {v}" for k, v in params.items())
        return f"{code} ({details})" if details else str(code)
    sentence = str(text)  # a lazy text: translated into the active language here
    try:
        return sentence % params if params else sentence
    except (KeyError, ValueError, TypeError):
        return sentence
