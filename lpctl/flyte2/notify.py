"""``notifications:`` -> ``RunSpec.notification_rules``, as flyte-sdk's ``notifications_serde`` builds them.

Each entry mirrors a ``flyte.notify`` class (Email, Slack, Teams, Webhook) with its arguments and
defaults; bodies are ``json.dumps(obj)`` with Python's defaults, exactly as flyte-sdk writes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flyteidl2.common import phase_pb2
from flyteidl2.notification import definition_pb2
from flyteidl2.task import run_pb2

from lpctl.flyte2.context import TriggerContext
from lpctl.spec.model import EmailSpec, SlackSpec, TeamsSpec, WebhookSpec

DEFAULT_SUBJECT = "Run {{.Run.Name}} {{.Phase}}"
DEFAULT_BODY = ("Run: {{.Run.Name}}\nProject/Domain: {{.Run.Project}}/{{.Run.Domain}}\nPhase: {{.Phase}}\n"
                "Error: {{.Error}}\n")
DEFAULT_SLACK = "Run: {{.Run.Name}} finished with phase {{.Phase}}\n | {{.Run.Project}}/{{.Run.Domain}}\n"
DEFAULT_WEBHOOK_BODY = {"run": "{{.Run.Name}}", "project": "{{.Run.Project}}", "domain": "{{.Run.Domain}}",
                        "phase": "{{.Phase}}", "error": "{{.Error}}"}
NO_HTML = "No HTML body"
#: WebhookDeliveryTemplate's buf.validate limits (flyteidl2's notification protos)
MAX_URL, MAX_HEADERS, MAX_HEADER_KEY, MAX_HEADER_VALUE = 2000, 20, 20, 50
_JSON = {"Content-Type": "application/json"}


def compile_notifications(ctx: TriggerContext, run_spec: run_pb2.RunSpec) -> None:
    for i, entry in enumerate(ctx.spec.notifications):
        rule = run_spec.notification_rules.rules.add()
        rule.on_phases.extend(_phases(ctx, entry.on_phase, i))
        if entry.channel is not None and entry.delivery is not None:
            path = ("notifications", i, entry.channel)
            if isinstance(entry.delivery, EmailSpec):
                _email(ctx, entry.delivery, rule.delivery_template, path)
            elif isinstance(entry.delivery, SlackSpec):
                _slack(ctx, entry.delivery, rule.delivery_template, path)
            elif isinstance(entry.delivery, TeamsSpec):
                _teams(ctx, entry.delivery, rule.delivery_template, path)
            else:
                _webhook(ctx, entry.delivery, rule.delivery_template, path)


def _phases(ctx: TriggerContext, names: tuple[str, ...], i: int) -> list[int]:
    seen: set[str] = set()
    for j, name in enumerate(names):
        if name in seen:
            ctx.error("LP919", f"phase {name} is listed twice", ("notifications", i, "on_phase", j),
                      hint="InlineRule.on_phases must be unique: remove the repeat")
        seen.add(name)
    return [phase_pb2.ActionPhase.Value(f"ACTION_PHASE_{n}") for n in names]


def _email(ctx: TriggerContext, spec: EmailSpec, out: definition_pb2.DeliveryConfigTemplate,
           path: tuple[Any, ...]) -> None:
    from lpctl.shared.k8s import email_problem

    email = out.email
    for field, addresses in (("recipients", spec.recipients), ("cc", spec.cc), ("bcc", spec.bcc)):
        target = email.to if field == "recipients" else getattr(email, field)
        for j, address in enumerate(addresses):
            target.add(address=address)
            problem = email_problem(address)
            if problem:
                ctx.error("LP924", f"invalid e-mail address: {problem}", (*path, field, j))
    email.inline.subject = DEFAULT_SUBJECT if spec.subject is None else spec.subject
    email.inline.text_template = DEFAULT_BODY if spec.body is None else spec.body
    email.inline.html_template = spec.html_body or NO_HTML


def _slack(ctx: TriggerContext, spec: SlackSpec, out: definition_pb2.DeliveryConfigTemplate,
           path: tuple[Any, ...]) -> None:
    message = spec.message if spec.message is not None else (DEFAULT_SLACK if spec.blocks is None else None)
    body = {"blocks": list(spec.blocks)} if spec.blocks else {"text": message}
    _webhook_out(ctx, out, path, spec.webhook_url, "POST", _JSON, json.dumps(body), "webhook_url")


def _teams(ctx: TriggerContext, spec: TeamsSpec, out: definition_pb2.DeliveryConfigTemplate,
           path: tuple[Any, ...]) -> None:
    message = spec.message if spec.message is not None else (DEFAULT_BODY if spec.card is None else None)
    title = DEFAULT_SUBJECT if spec.title is None else spec.title
    body = spec.card or {"title": title, "text": message}
    _webhook_out(ctx, out, path, spec.webhook_url, "POST", _JSON, json.dumps(body), "webhook_url")


def _webhook(ctx: TriggerContext, spec: WebhookSpec, out: definition_pb2.DeliveryConfigTemplate,
             path: tuple[Any, ...]) -> None:
    body = spec.body if spec.has_body else DEFAULT_WEBHOOK_BODY
    text = json.dumps(body) if body is not None else ""
    _webhook_out(ctx, out, path, spec.url, spec.method, spec.headers, text, "url")
    _check_headers(ctx, spec.headers, (*path, "headers"))


def _webhook_out(ctx: TriggerContext, out: definition_pb2.DeliveryConfigTemplate, path: tuple[Any, ...],
                 url: str, method: str, headers: Mapping[str, str], body: str, url_key: str) -> None:
    hook = out.webhook
    hook.url = url
    hook.method = definition_pb2.HttpMethod.Value(f"HTTP_METHOD_{method}")
    hook.headers.update(headers)
    hook.body_template = body
    if len(url) > MAX_URL:
        ctx.error("LP921", f"the URL has {len(url)} characters; Flyte 2 accepts at most {MAX_URL}", (*path, url_key))


def _check_headers(ctx: TriggerContext, headers: Mapping[str, str], path: tuple[Any, ...]) -> None:
    if len(headers) > MAX_HEADERS:
        ctx.error("LP921", f"{len(headers)} headers; Flyte 2 accepts at most {MAX_HEADERS}", path, key=True)
    for key, value in headers.items():
        if not 1 <= len(key) <= MAX_HEADER_KEY:
            ctx.error("LP921", f"header name '{key}' has {len(key)} characters; Flyte 2 accepts 1 to "
                      f"{MAX_HEADER_KEY}", (*path, key), key=True)
        if not 1 <= len(str(value)) <= MAX_HEADER_VALUE:
            ctx.error("LP921", f"the value of header '{key}' has {len(str(value))} characters; Flyte 2 accepts "
                      f"1 to {MAX_HEADER_VALUE}", (*path, key))

