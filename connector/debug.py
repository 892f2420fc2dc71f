"""What Django's error reports (the DEBUG 500 page, the e-mails to ADMINS) may show.

Django's own filter hides settings with secret-looking names, but it hides POST fields only
when a view is marked with `sensitive_post_parameters`, and with DEBUG on it hides nothing
at all. This one (settings.DEFAULT_EXCEPTION_REPORTER_FILTER) hides the fields of the
connector's secrets wherever a form posts them, DEBUG on or off: by name (the settings form's
`flowii_password`, `flowii_api_key`, `shop_consumer_key`, `shop_consumer_secret`, and any
field whose name contains password, secret, key or token), in the request's POST, in any
POST-like dict a frame holds, and in every local variable that holds one of those values.
"""

from __future__ import annotations

import re
from pprint import pformat

from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

SECRET_FIELDS = frozenset(
    {"flowii_password", "flowii_api_key", "shop_consumer_key", "shop_consumer_secret"}
)
SECRET_FIELD_WORDS = re.compile(r"pass|secret|key|token|signature|auth", re.I)


def is_secret_field(name) -> bool:
    return isinstance(name, str) and (
        name in SECRET_FIELDS or bool(SECRET_FIELD_WORDS.search(name))
    )


class ConnectorExceptionReporterFilter(SafeExceptionReporterFilter):
    # Also the Redis address in Q_CLUSTER (it may carry a password) and the database URL.
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|REDIS|DATABASE_URL", flags=re.I
    )

    def is_active(self, request) -> bool:
        # Django switches its filter off with DEBUG on; a secret typed into the settings form
        # must not be shown on a debug page either (DEBUG gets turned on to chase a problem).
        return True

    def _secret_values(self, request) -> list[str]:
        post = getattr(request, "POST", None) if request is not None else None
        if not post:
            return []
        values = []
        for name in post:
            if is_secret_field(name):
                values += [v for v in post.getlist(name) if isinstance(v, str) and len(v) >= 4]
        return values

    def _cleanse_dict(self, request, multivaluedict):
        multivaluedict = super().get_cleansed_multivaluedict(request, multivaluedict)
        names = [name for name in multivaluedict if is_secret_field(name)]
        if names:
            multivaluedict = multivaluedict.copy()
            for name in names:
                multivaluedict[name] = self.cleansed_substitute
        return multivaluedict

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        return self._cleanse_dict(request, multivaluedict)

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return self._cleanse_dict(request, super().get_post_parameters(request))

    def get_traceback_frame_variables(self, request, tb_frame):
        secrets = self._secret_values(request)
        cleansed = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if is_secret_field(name) and value is not None:
                value = self.cleansed_substitute
            elif secrets and not isinstance(value, MultiValueDict) and _shows(value, secrets):
                # A local that holds a posted secret (a copy of it, cleaned_data, a dict
                # built from the form...): its whole value goes.
                value = self.cleansed_substitute
            cleansed.append((name, value))
        return cleansed


def _shows(value, secrets) -> bool:
    try:
        text = value if isinstance(value, str) else pformat(value)
    except Exception:  # noqa: BLE001 - a repr that fails shows nothing
        return False
    return any(secret in text for secret in secrets)
