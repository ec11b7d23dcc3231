"""The outcomes dashboard page, rendered on the server."""
