"""A fast, safe Debug Adapter Protocol server for Python, built on sys.monitoring."""
