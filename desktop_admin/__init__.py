"""The customer-care console (PySide6)."""
