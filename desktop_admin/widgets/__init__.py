"""Reusable controls of the console: colour picker, icon picker."""
