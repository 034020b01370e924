"""``python -m musiclib train|generate``: see :mod:`musiclib.cli`."""

import sys

from .cli import main

sys.exit(main())
