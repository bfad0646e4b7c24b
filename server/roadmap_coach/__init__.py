"""roadmap-coach: a language server that coaches people learning Python back-end development."""

__version__ = "0.1.0"
