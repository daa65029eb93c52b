"""``python -m tools.build_network``: rebuild (or ``--check``) routing/data."""

import sys

from . import main

sys.exit(main())
