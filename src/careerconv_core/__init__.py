"""careerconv core: the Career Conversations method as pure domain logic.

Importing this package is cheap on purpose: it loads nothing but its own
version string. Import what you need from its modules, for example
``careerconv_core.services`` or ``careerconv_core.plugins``.
"""

__version__ = "0.1.0"
