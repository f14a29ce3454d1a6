"""Common Ground: a CIO–CMO alignment workshop run from a laptop terminal."""

__version__ = "0.1.0"
