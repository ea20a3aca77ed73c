"""The service's version, written into every pack's manifest."""

__version__ = "0.1.0"
