"""The profile editor: one file per tab, the editor window, the live preview."""
