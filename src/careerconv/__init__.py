"""careerconv: Career Conversations for managers and their reports.

The application package: configuration and the composition root, the
facade, the command line and the demo. The method itself is in
``careerconv_core`` (pure domain and use cases) and the adapters in
``careerconv_plugins``.
"""

__version__ = "0.1.0"
