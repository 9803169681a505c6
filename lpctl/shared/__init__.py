"""The Flyte layer both targets share: literals, imports with roots, Kubernetes rules, schedule checks.

Neither target imports the other; both import this package, and it imports neither.
"""
