"""The server's features, one module each. Every module has `register(server, pipeline,
…)`: it wires its LSP methods on the server, subscribes to what the pipeline announces,
and receives whatever else it needs as narrow callables (see `lsp/server.py`)."""
