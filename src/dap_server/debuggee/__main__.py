import sys

if sys.version_info < (3, 12):  # noqa: UP036  (checked before anything fails to import)
    # Checked before anything else is imported: the engine needs sys.monitoring (PEP 669).
    sys.stderr.write(
        f"dap-server: the debuggee needs Python 3.12 or newer (sys.monitoring); "
        f"{sys.executable} is {sys.version.split()[0]}\n"
    )
    sys.exit(2)

from dap_server.debuggee.runner import main

sys.exit(main())
