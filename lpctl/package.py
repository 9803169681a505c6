"""Launch plans -> the ``.tgz`` archive ``flytectl register files --archive`` accepts (pure: returns bytes).

The layout is the one ``pyflyte package`` writes: a flat gzip'ed tar holding one binary
``flyteidl.admin.LaunchPlan`` per file, named ``<index>_<name>_3.pb``. ``index`` is the 0-based position,
zero-padded to ``ceil(log10(N))`` digits like flytekit's ``_determine_text_chars``; flytectl registers the
files in the lexicographic order of their paths, which the padding makes the given order. The ``_3`` tells
flytectl to unmarshal the file as a ``LaunchPlan`` first.

Unlike ``pyflyte package`` the archive is reproducible: the same launch plans give the same bytes.
Messages are serialized with ``deterministic=True`` (sorted map keys), tar entries carry mtime 0,
uid/gid 0, empty owner names and mode 0644, and the gzip header has mtime 0 and no file name.

File names: the launch plan's name is used as is, except that the characters that would make tar or
flytectl's extraction create a directory or a strange path (``/``, ``\\``, NUL and other control
characters) become ``_``, and the name is shortened so that the file name fits in 255 UTF-8 bytes (the
usual file-name limit of the directory flytectl extracts into). The file name only orders the files and
hints at the message type; what is registered is the name inside the message, which is never changed.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from flyteidl.admin.launch_plan_pb2 import LaunchPlan

from lpctl.errors import LpctlError

if TYPE_CHECKING:
    from lpctl.pipeline import Options

#: flytectl's type hint for a launch plan file (``_1``: TaskSpec, ``_2``: WorkflowSpec)
LAUNCH_PLAN_SUFFIX = "_3.pb"
#: the usual limit on one path component (ext4, xfs, apfs, ...)
MAX_FILE_NAME_BYTES = 255
#: refuse to read archives (or members) bigger than this
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024

_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")
_FILE_MODE = 0o644


class PackageError(LpctlError):
    """An archive or bundle cannot be read, or launch plans cannot be packaged."""


def index_width(count: int) -> int:
    """Digits of the zero-padded index: flytekit's ``_determine_text_chars`` (1 -> 0, 10 -> 1, 11 -> 2)."""
    # ceil(log10(count)) in integer arithmetic; equal to flytekit's float version for every count
    # up to 2,000,000 (checked), and exact beyond
    return len(str(count - 1)) if count > 1 else 0


def file_name(index: int, name: str, count: int) -> str:
    """``<index>_<name>_3.pb`` with a safe, length-bounded ``name`` (see the module docstring)."""
    prefix = str(index).zfill(index_width(count)) + "_"
    safe = _UNSAFE.sub("_", name)
    room = MAX_FILE_NAME_BYTES - len(prefix) - len(LAUNCH_PLAN_SUFFIX)
    encoded = safe.encode("utf-8")
    if len(encoded) > room:
        safe = encoded[:room].decode("utf-8", errors="ignore")
    return prefix + safe + LAUNCH_PLAN_SUFFIX


def file_names(launch_plans: Sequence[LaunchPlan]) -> list[str]:
    count = len(launch_plans)
    return [file_name(i, lp.id.name, count) for i, lp in enumerate(launch_plans)]


def placeholders_wanted(options: Options) -> bool:
    """Package with registration placeholders when no project, domain or version is given anywhere
    (flags or ``[tool.lpctl]``), as ``pyflyte package`` leaves them for ``flytectl register files``."""
    from lpctl.spec.config import run_identity

    given = run_identity(options.identity, options.config)
    return not any((given.project, given.domain, given.version))


def with_placeholders(launch_plan: LaunchPlan) -> LaunchPlan:
    """A copy with project, domain and version cleared in ``id`` and ``spec.workflow_id``.

    This is what ``pyflyte package`` writes (empty strings, not ``{{ registration.* }}``); flytectl fills
    them in from ``-p``, ``-d`` and ``--version``.
    """
    out = LaunchPlan()
    out.CopyFrom(launch_plan)
    for identifier in (out.id, out.spec.workflow_id):
        identifier.project = ""
        identifier.domain = ""
        identifier.version = ""
    return out


def package_archive(launch_plans: Sequence[LaunchPlan], *, placeholders: bool) -> bytes:
    """The ``.tgz`` bytes; files in the given order (which is also their sorted order)."""
    if not launch_plans:
        raise PackageError("no launch plans to package")
    messages = [with_placeholders(lp) if placeholders else lp for lp in launch_plans]
    raw = io.BytesIO()
    # GzipFile(filename="") keeps the name out of the header; mtime=0 keeps the time out
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, message in sorted(zip(file_names(messages), messages, strict=True), key=lambda p: p[0]):
            payload = message.SerializeToString(deterministic=True)
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mtime = 0
            info.mode = _FILE_MODE
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(payload))
    return raw.getvalue()


def read_archive(data: bytes) -> list[tuple[str, LaunchPlan]]:
    """Every ``*_3.pb`` member as (file name, LaunchPlan), in archive order; raises PackageError.

    Only launch plan archives are read: a task or workflow file (``_1.pb``, ``_2.pb``) is an error."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise PackageError(f"the archive is larger than {MAX_ARCHIVE_BYTES} bytes")
    out: list[tuple[str, LaunchPlan]] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile() or not member.name.endswith(LAUNCH_PLAN_SUFFIX):
                    raise PackageError(f"unexpected archive entry {member.name!r}: "
                                       f"only launch plan files (*{LAUNCH_PLAN_SUFFIX}) belong in it")
                if member.size > MAX_ARCHIVE_BYTES:
                    raise PackageError(f"archive entry {member.name!r} is too large")
                stream = tar.extractfile(member)
                if stream is None:  # pragma: no cover - isfile() was checked
                    raise PackageError(f"cannot read archive entry {member.name!r}")
                out.append((member.name, _parse(member.name, stream.read())))
    except (tarfile.TarError, OSError, EOFError) as e:
        raise PackageError(f"not a readable .tgz archive: {e}") from None
    return out


def _parse(name: str, payload: bytes) -> LaunchPlan:
    from google.protobuf.message import DecodeError  # type: ignore[import-untyped, unused-ignore]

    try:
        message: LaunchPlan = LaunchPlan.FromString(payload)
    except DecodeError as e:
        raise PackageError(f"{name}: not a flyteidl.admin.LaunchPlan: {e}") from None
    return message
