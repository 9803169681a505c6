"""``FlyteFile`` and ``FlyteDirectory`` values: a remote URI, written into the literal as it is.

flytekit's ``FlyteFilePathTransformer`` and ``FlyteDirToMultipartBlobTransformer`` copy nothing
for a path whose fsspec protocol (the text before the first ``://`` or ``::``) is not ``file``:
the blob literal then holds the string unchanged, with the blob type of the input and no literal
metadata. Any other path is uploaded, or (a local execution, which is how lpctl runs flytekit)
copied into a fresh temporary folder, so the bundle would name a different ``/tmp/...`` path on
every run. lpctl uploads nothing: a local path is an error (LP411) that says to upload it first.
"""

from __future__ import annotations

import re
from typing import Any

from flyteidl.core.literals_pb2 import Literal
from flyteidl.core.types_pb2 import BlobType, LiteralType

from lpctl.shared.conversion import ConversionError, describe

_SPLIT = re.compile(r"(::|://)")
EXAMPLES = "s3://bucket/path"


def protocol(path: str) -> str:
    """fsspec's ``get_protocol``: the text before the first ``://`` or ``::``, else ``file``."""
    parts = _SPLIT.split(path, maxsplit=1)
    return parts[0] if len(parts) > 1 else "file"


def is_remote(path: str) -> bool:
    """Whether flytekit takes ``path`` as it is (a protocol other than ``file``); an empty protocol is no URI."""
    found = protocol(path)
    return bool(found) and found != "file"


def blob_literal(value: Any, lt: LiteralType) -> Literal:
    """The literal flytekit builds for a remote URI given for a FlyteFile or FlyteDirectory input."""
    check_uri(value, lt.blob.dimensionality == BlobType.BlobDimensionality.MULTIPART)
    lit = Literal()
    lit.scalar.blob.metadata.type.CopyFrom(lt.blob)
    lit.scalar.blob.uri = value
    return lit


def check_uri(value: Any, directory: bool) -> None:
    """Raise ConversionError unless ``value`` is a remote URI flytekit would not copy."""
    what = "FlyteDirectory" if directory else "FlyteFile"
    if not isinstance(value, str) or not value.strip():
        raise ConversionError(f"expected the remote URI of a {what}, found {describe(value)}",
                              hint=f"write a URI such as {EXAMPLES}")
    if protocol(value) == "":
        raise ConversionError(f'"{value}" is not a URI: nothing before "{value[:3]}"', hint=f"write a URI such as "
                              f"{EXAMPLES}")
    if not is_remote(value):
        raise ConversionError(f'{what} "{value}" is a local path: lpctl uploads nothing, and flytekit would copy '
                              "it to a new temporary folder on every run", code="LP411",
                              hint="upload it first and write its remote URI, e.g. s3://bucket/path")
