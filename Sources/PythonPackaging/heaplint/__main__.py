import os
import sys

from heaplint import find_heaplint_bin

if __name__ == "__main__":
    binary = find_heaplint_bin()
    os.execv(binary, [binary, *sys.argv[1:]])
