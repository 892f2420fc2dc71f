"""The sandbox's credentials, in one place: what the simulated shop and FLOWii account accept,
and what the demo, the tests and the benchmark log in with."""

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"
FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY = "demo@flowii.test", "sandbox", "sandbox-api-key"
