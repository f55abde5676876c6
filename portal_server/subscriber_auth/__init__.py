"""Subscribers' sign-in, sessions, registration and password flows."""
