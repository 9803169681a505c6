"""load -> schema -> resolve -> compile -> cross-spec checks, as one call that returns a Result."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from lpctl.cache import Cache
from lpctl.diagnostics import Diagnostic, Severity, error, sort_diagnostics
from lpctl.flyte1.compile import CompiledPlan, Settings, compile_spec
from lpctl.flyte1.resolve import DEFAULT_IMPORT_TIMEOUT, Resolver
from lpctl.spec.config import Config, load_config
from lpctl.spec.load import DEFAULT_MAX_BYTES, Document, check_header, load_paths


@dataclass(frozen=True)
class Options:
    """Everything a run needs besides the paths; built once by the CLI."""

    project: str | None = None
    domain: str | None = None
    version: str | None = None
    workflow_version: str | None = None
    python_path: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    #: skip YAML files that are not specs even when named explicitly (pre-commit)
    only_specs: bool = False
    #: seconds a workflow module may take to import
    import_timeout: float = DEFAULT_IMPORT_TIMEOUT
    #: keep resolved interfaces in .lpctl_cache/ and skip importing unchanged workflows
    cache: bool = False
    #: render needs to know the workflow version; validate does not
    require_workflow_version: bool = False
    #: None: read [tool.lpctl] from the nearest pyproject.toml
    config: Config | None = None


@dataclass
class Result:
    plans: list[CompiledPlan] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: int = 0
    documents: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def ok(self) -> bool:
        return self.count(Severity.ERROR) == 0


def run(paths: Sequence[str], options: Options = Options()) -> Result:
    """Check and compile every spec under ``paths``. Raises only for unreadable paths."""
    config = options.config if options.config is not None else load_config()
    settings = Settings(
        project=options.project or config.project, domain=options.domain or config.domain,
        version=options.version or config.version,
        workflow_version=options.workflow_version or config.workflow_version,
    )
    roots = [os.getcwd(), *config.python_path, *(os.path.abspath(p) for p in options.python_path)]
    cache = Cache() if options.cache else None
    resolver = Resolver(roots, import_timeout=options.import_timeout, interfaces=cache)
    loaded = load_paths(paths, max_bytes=options.max_bytes, only_specs=options.only_specs)
    result = Result(diagnostics=list(loaded.diagnostics), files=loaded.files, skipped=loaded.skipped,
                    documents=len(loaded.documents))
    for doc in loaded.documents:
        if check_header(doc):  # not a spec: the loader said so (LP105, LP106)
            continue
        schema_diags = _check_schema(doc)
        result.diagnostics.extend(schema_diags)
        if any(d.severity is Severity.ERROR for d in schema_diags):
            continue
        plan, diags = compile_spec(doc, resolver.resolve(doc.data["workflow"]), settings,
                                   require_workflow_version=options.require_workflow_version)
        result.diagnostics.extend(diags)
        if plan is not None:
            result.plans.append(plan)
    resolver.save()
    result.diagnostics.extend(_duplicates(result.plans))
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


def _check_schema(doc: Document) -> list[Diagnostic]:
    """Never cached: 0.1 ms a document, less than proving a cached verdict right would take."""
    from lpctl.spec.schema import check_schema

    return check_schema(doc)


def _duplicates(plans: list[CompiledPlan]) -> list[Diagnostic]:
    first: dict[tuple[str, str, str], CompiledPlan] = {}
    diags = []
    for plan in plans:
        project, domain, name, _ = plan.identity()
        key = (project, domain, name)
        if key not in first:
            first[key] = plan
            continue
        other = first[key].document
        where = other.location(("name",) if "name" in other.data else ("workflow",))
        doc = plan.document
        diags.append(error("LP806", f"launch plan {project}/{domain}/{name} is also defined at {where}",
                           doc.location(("name",) if "name" in doc.data else ("workflow",)),
                           "launch plan names must be unique within a project and domain"))
    return diags
