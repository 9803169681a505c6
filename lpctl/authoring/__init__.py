"""Writing specs: ``lpctl new`` (a spec scaffolded from a workflow) and ``lpctl fmt`` (one layout)."""
