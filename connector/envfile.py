"""Writes a first `.env` with fresh keys (used by `make demo` on a new machine)."""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def main(path: str = ".env") -> int:
    target = Path(path)
    if target.exists():
        return 0
    lines = [
        "# Made by `make demo`; see .env.example for every setting.",
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
        f"CONNECTOR_ENCRYPTION_KEY={Fernet.generate_key().decode()}",
    ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target.chmod(0o600)
    print(f"Wrote {target} with new keys.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
