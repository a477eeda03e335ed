"""The request-level simulator: a compiled event loop (core.py) under a Python API (run.py)."""
