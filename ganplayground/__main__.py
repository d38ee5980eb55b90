"""Entry point of `python -m ganplayground`."""

import sys

from .cli import main

sys.exit(main())
