"""traintrack's own library, used by every service."""
