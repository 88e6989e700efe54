"""Loket: one front door for municipal service delivery."""
