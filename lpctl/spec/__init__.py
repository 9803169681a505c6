"""Reading specs: file discovery, YAML with source positions, the JSON Schema, ``[tool.lpctl]``."""
