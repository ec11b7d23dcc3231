"""The one error of the wire format: a message that can never be read as it is."""

from __future__ import annotations


class PoisonMessage(Exception):
    """A message that can never be processed as it is: it goes to the DLQ, with this reason."""
