"""Billing accounts: the data the portal shows, imported from a billing system's export."""
