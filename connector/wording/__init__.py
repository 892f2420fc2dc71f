"""The sentences for refusals and log lines, once, in the reader's language: each stream's
module (products, partners, orders, ...) adds its codes to TEXTS; `words()` renders one.

What `words()` returns is the sentence in the active language AND the code with its values,
so a log line stored from it can be shown later in the language of whoever reads it.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from decimal import Decimal

# code -> a lazy, translatable sentence with %(name)s placeholders.
TEXTS: dict = {}
_MODULES = ("products", "partners", "orders", "settings", "runs", "admin", "webhooks", "preview")
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


class Wording(str):
    """A sentence (in the language active when it was made) that also knows its code and
    values, to be rendered again in another language: `again()`."""

    code: str
    params: dict

    def __new__(cls, code: str, params: dict, text: str):
        obj = super().__new__(cls, text)
        obj.code = code
        obj.params = params
        return obj

    def again(self) -> str:
        """The same sentence in the language active now."""
        return str(words(self.code, **self.params))

    def stored(self) -> dict:
        """Code and values as JSON, for a log row."""
        return {"code": self.code, "params": _jsonable(self.params)}


def _jsonable(value):
    if isinstance(value, Wording):
        return {"__words__": value.code, "params": _jsonable(value.params)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    return str(value)


def _from_stored(value):
    if isinstance(value, dict) and "__words__" in value:
        return words(value["__words__"], **_from_stored(value.get("params") or {}))
    if isinstance(value, dict):
        return {k: _from_stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_stored(v) for v in value]
    return value


def render(code: str, params: dict | None) -> str:
    """A stored log line in the language active now."""
    return str(words(code, **_from_stored(params or {})))


def words(code, **params) -> Wording:
    """The sentence for a refusal (or a code and its values) in the active language. An
    unknown code is shown as it is, with its values, rather than lost."""
    from ..mapping.refusals import Refusal

    if isinstance(code, Refusal):
        params = {**code.params, **params}
        code = code.code
    # Values that are sentences themselves are said in the same language as this one.
    shown = {k: (v.again() if isinstance(v, Wording) else v) for k, v in params.items()}
    return Wording(str(code), params, _sentence(str(code), shown))


def _sentence(code: str, params: dict) -> str:
    _load()
    text = TEXTS.get(code)
    if text is None:
        details = ", ".join(f"{k}: {v}" for k, v in params.items())
        return f"{code} ({details})" if details else code
    # A lazy text, translated into the active language here. A plural one (ngettext_lazy with
    # the name of its number) picks its form by that value in params: rendered with `%`, as
    # `str()` of it alone is empty.
    try:
        return text % params if params else plain(text)
    except (KeyError, ValueError, TypeError):
        return plain(text)


def plain(text) -> str:
    """The sentence without its values: a plural one in its "many" form."""
    kw = getattr(text, "_kw", None) or {}
    if "plural" in kw and "singular" in kw:
        from django.utils.translation import ngettext

        return ngettext(kw["singular"], kw["plural"], 5)
    return str(text)
