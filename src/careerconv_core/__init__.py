"""careerconv core: the Career Conversations method as pure domain logic and use cases.

Importing this package is cheap on purpose: it loads nothing but its own
version string. ``careerconv_core.domain`` holds the rules (M1-M16),
``careerconv_core.services`` the use cases, ``careerconv_core.ports`` the
port table and protocols, ``careerconv_core.hookspecs`` the hooks. Nothing
here reads a file, the environment or the terminal. Host tools usually start
from the ``careerconv`` package (``careerconv.open``, ``careerconv.connect``).
"""

__version__ = "0.1.0"
