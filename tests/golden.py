"""Where the golden WooCommerce recordings are: `shared/` beside the project folder (as on a
developer's machine and in CI), or the folder named by CONNECTOR_SHARED_DIR."""

import os
from pathlib import Path

SHARED = Path(
    os.environ.get("CONNECTOR_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared"
)
GOLDEN = SHARED / "fixtures" / "woocommerce-real"
CASES = GOLDEN / "cases"

if not CASES.is_dir():
    raise RuntimeError(
        f"The golden WooCommerce recordings are missing: {CASES}. Put shared/ beside the "
        "project folder or set CONNECTOR_SHARED_DIR."
    )
