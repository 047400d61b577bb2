"""What io_execs.py becomes: prints its argument and exits with code 4."""

import sys

print(f"after exec {sys.argv[1]}", flush=True)
sys.exit(4)  # @exit
