"""Start the customer-care console: ``python -m desktop_admin`` or ``portal-console``."""

from __future__ import annotations

import sys

from desktop_admin.app import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
