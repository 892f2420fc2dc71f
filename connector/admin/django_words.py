"""Django admin's own sentences that Django's Slovak catalogue says badly with our names
("Zobraziťprepojenie", "Pre zobrazenie záznam zvolte", "Podľa stav", "1 priradenie dopravy
bola úspešne zmenená"). Listed here, word for word as Django has them, so that makemessages
keeps them in our catalogue, which Django reads before its own (LOCALE_PATHS): the Slovak
there is said so that it fits any of our names. Nothing imports this module."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN_SENTENCES = (
    gettext_noop("View %s"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s to change"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
        "count",
    ),
)
