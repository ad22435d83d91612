"""``python -m careerconv.cli``: the ``careerconv`` command."""

import sys

from careerconv.cli import main

sys.exit(main())
