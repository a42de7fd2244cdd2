"""``python -m vaeaug``: the same command line as ``vaeaug``."""

import sys

from .cli import main

sys.exit(main())
