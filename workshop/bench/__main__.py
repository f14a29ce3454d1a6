"""`python -m workshop.bench`: the room benchmark (see `workshop.bench.bench`)."""

import sys

from .bench import main

sys.exit(main())
