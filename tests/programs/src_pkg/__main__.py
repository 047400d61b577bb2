import sys

from src_pkg import sub

total = sub.double(sys.argv[1:])  # @pkg-call
print("main", total)  # @pkg-print
