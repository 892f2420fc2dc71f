"""Why a record cannot go over, as data: a code, the record it is about and the values that
explain it. The mapping raises these; the Django side words them (connector/wording/) in the
reader's language, so the mapping itself never needs a translation."""

from __future__ import annotations


class Refusal(Exception):
    """A record that cannot go over as it is. `code` names the rule (e.g. "good.no_serial_nr"),
    `params` carries the values a sentence needs (names, amounts, the remote's own text)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.params!r})"

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code} ({details})" if details else self.code
