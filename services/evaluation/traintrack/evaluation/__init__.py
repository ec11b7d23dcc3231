"""Evaluation service: the 4-stage project certification and credentials."""
