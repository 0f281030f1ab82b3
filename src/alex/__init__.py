"""Alex: a self-hostable, multi-agent AI financial advisor."""

__version__ = "0.1.0"
