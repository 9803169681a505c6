"""The Flyte 2 conformance machinery: lpctl's TaskTrigger next to the one flyte-sdk serializes."""

from __future__ import annotations

import asyncio
import os
import pathlib
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.append(HERE)


def flyte_task_trigger(trigger: Any, task: Any) -> Any:
    """What ``flyte deploy`` sends for ``trigger`` on ``task`` (flyte/_deploy.py ``_deploy_task``), offline."""
    from flyte._internal.runtime.convert import convert_upload_default_inputs
    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte._internal.runtime.trigger_serde import to_task_trigger
    from flyte.models import SerializationContext

    defaults = asyncio.run(convert_upload_default_inputs(task.interface))
    spec = translate_task_to_wire(task, SerializationContext(version="v1", root_dir=pathlib.Path(HERE)),
                                  default_inputs=defaults)
    return asyncio.run(to_task_trigger(t=trigger, task_name=task.name, task_inputs=spec.task_template.interface.inputs,
                                       task_default_inputs=list(spec.default_inputs)))
