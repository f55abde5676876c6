"""Housekeeping: deleting what has outlived its use, in batches, on a timer in every worker."""
