"""`python -m infographics` runs the command line, as `infographics` does."""

import sys

from infographics.cli import main

sys.exit(main())
