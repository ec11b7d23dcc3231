"""The web API of the outcomes service."""
