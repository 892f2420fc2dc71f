"""Where the golden WooCommerce recordings are: `tests/fixtures/woocommerce-real/` (a copy of
the recordings made on a real WooCommerce 10.0.2 store; its README says how), or the folder
named by CONNECTOR_GOLDEN_DIR."""

import os
from pathlib import Path

GOLDEN = Path(
    os.environ.get("CONNECTOR_GOLDEN_DIR")
    or Path(__file__).resolve().parent / "fixtures" / "woocommerce-real"
)
CASES = GOLDEN / "cases"

if not CASES.is_dir():
    raise RuntimeError(f"The golden WooCommerce recordings are missing: {CASES}.")
