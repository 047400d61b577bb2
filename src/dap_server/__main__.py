import sys

from dap_server.cli import main

sys.exit(main())
