"""careerconv's built-in adapters, each a folder, registered through the ``careerconv`` entry points."""
