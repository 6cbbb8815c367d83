import sys

from heaplint_build import main

sys.exit(main(sys.argv[1:]))
