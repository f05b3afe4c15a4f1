"""`python -m netspec` is the same as the `netspec` command."""

import sys

from netspec.cli import main

sys.exit(main())
