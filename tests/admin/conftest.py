from tests.admin.helpers import no_connection_check, no_flowii  # noqa: F401  (fixtures)
