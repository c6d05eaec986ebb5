"""``python -m stancegraph ...``: the stancegraph command line."""
import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
