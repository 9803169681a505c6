"""``notifications:`` -> ``RunSpec.notification_rules``, as flyte-sdk's ``notifications_serde`` builds them.

Each entry mirrors a ``flyte.notify`` class (Email, Slack, Teams, Webhook) with its arguments and
defaults; bodies are ``json.dumps(obj)`` with Python's defaults, exactly as flyte-sdk writes them.
"""

from __future__ import annotations

import json
from typing import Any

from flyteidl2.common import phase_pb2
from flyteidl2.notification import definition_pb2
from flyteidl2.task import run_pb2

from lpctl.flyte2.context import TriggerContext

DEFAULT_SUBJECT = "Run {{.Run.Name}} {{.Phase}}"
DEFAULT_BODY = ("Run: {{.Run.Name}}\nProject/Domain: {{.Run.Project}}/{{.Run.Domain}}\nPhase: {{.Phase}}\n"
                "Error: {{.Error}}\n")
DEFAULT_SLACK = "Run: {{.Run.Name}} finished with phase {{.Phase}}\n | {{.Run.Project}}/{{.Run.Domain}}\n"
DEFAULT_WEBHOOK_BODY = {"run": "{{.Run.Name}}", "project": "{{.Run.Project}}", "domain": "{{.Run.Domain}}",
                        "phase": "{{.Phase}}", "error": "{{.Error}}"}
NO_HTML = "No HTML body"
CHANNELS = ("email", "slack", "teams", "webhook")
#: WebhookDeliveryTemplate's buf.validate limits (reference 4)
MAX_URL, MAX_HEADERS, MAX_HEADER_KEY, MAX_HEADER_VALUE = 2000, 20, 20, 50
_JSON = {"Content-Type": "application/json"}


def compile_notifications(ctx: TriggerContext, run_spec: run_pb2.RunSpec) -> None:
    entries = ctx.data.get("notifications") or []
    for i, entry in enumerate(entries):
        rule = run_spec.notification_rules.rules.add()
        rule.on_phases.extend(_phases(ctx, entry.get("on_phase", []), i))
        channel = next((c for c in CHANNELS if c in entry), None)
        if channel is not None:
            _BUILDERS[channel](ctx, entry[channel], rule.delivery_template, ("notifications", i, channel))


def _phases(ctx: TriggerContext, given: Any, i: int) -> list[int]:
    names = [given] if isinstance(given, str) else list(given)
    seen: set[str] = set()
    for j, name in enumerate(names):
        if name in seen:
            ctx.error("LP919", f"phase {name} is listed twice", ("notifications", i, "on_phase", j),
                      hint="InlineRule.on_phases must be unique: remove the repeat")
        seen.add(name)
    return [phase_pb2.ActionPhase.Value(f"ACTION_PHASE_{n}") for n in names]


def _email(ctx: TriggerContext, spec: dict[str, Any], out: definition_pb2.DeliveryConfigTemplate,
           path: tuple[Any, ...]) -> None:
    from lpctl.shared.k8s import email_problem

    email = out.email
    for field in ("recipients", "cc", "bcc"):
        target = email.to if field == "recipients" else getattr(email, field)
        for j, address in enumerate(spec.get(field, [])):
            target.add(address=address)
            problem = email_problem(address)
            if problem:
                ctx.error("LP924", f"invalid e-mail address: {problem}", (*path, field, j))
    email.inline.subject = spec.get("subject", DEFAULT_SUBJECT)
    email.inline.text_template = spec.get("body", DEFAULT_BODY)
    email.inline.html_template = spec.get("html_body") or NO_HTML


def _slack(ctx: TriggerContext, spec: dict[str, Any], out: definition_pb2.DeliveryConfigTemplate,
           path: tuple[Any, ...]) -> None:
    blocks = spec.get("blocks")
    message = spec.get("message", DEFAULT_SLACK if blocks is None else None)
    body = {"blocks": list(blocks)} if blocks else {"text": message}
    _webhook_out(ctx, out, path, spec.get("webhook_url", ""), "POST", _JSON, json.dumps(body), "webhook_url")


def _teams(ctx: TriggerContext, spec: dict[str, Any], out: definition_pb2.DeliveryConfigTemplate,
           path: tuple[Any, ...]) -> None:
    card = spec.get("card")
    message = spec.get("message", DEFAULT_BODY if card is None else None)
    body = card or {"title": spec.get("title", DEFAULT_SUBJECT), "text": message}
    _webhook_out(ctx, out, path, spec.get("webhook_url", ""), "POST", _JSON, json.dumps(body), "webhook_url")


def _webhook(ctx: TriggerContext, spec: dict[str, Any], out: definition_pb2.DeliveryConfigTemplate,
             path: tuple[Any, ...]) -> None:
    headers: dict[str, str] = spec.get("headers") or {}
    body = spec.get("body", DEFAULT_WEBHOOK_BODY)
    text = json.dumps(body) if body is not None else ""
    _webhook_out(ctx, out, path, spec.get("url", ""), spec.get("method", "POST"), headers, text, "url")
    _check_headers(ctx, headers, (*path, "headers"))


def _webhook_out(ctx: TriggerContext, out: definition_pb2.DeliveryConfigTemplate, path: tuple[Any, ...],
                 url: str, method: str, headers: dict[str, str], body: str, url_key: str) -> None:
    hook = out.webhook
    hook.url = url
    hook.method = definition_pb2.HttpMethod.Value(f"HTTP_METHOD_{method}")
    hook.headers.update(headers)
    hook.body_template = body
    if len(url) > MAX_URL:
        ctx.error("LP921", f"the URL has {len(url)} characters; Flyte 2 accepts at most {MAX_URL}", (*path, url_key))


def _check_headers(ctx: TriggerContext, headers: dict[str, str], path: tuple[Any, ...]) -> None:
    if len(headers) > MAX_HEADERS:
        ctx.error("LP921", f"{len(headers)} headers; Flyte 2 accepts at most {MAX_HEADERS}", path, key=True)
    for key, value in headers.items():
        if not 1 <= len(key) <= MAX_HEADER_KEY:
            ctx.error("LP921", f"header name '{key}' has {len(key)} characters; Flyte 2 accepts 1 to "
                      f"{MAX_HEADER_KEY}", (*path, key), key=True)
        if not 1 <= len(str(value)) <= MAX_HEADER_VALUE:
            ctx.error("LP921", f"the value of header '{key}' has {len(str(value))} characters; Flyte 2 accepts "
                      f"1 to {MAX_HEADER_VALUE}", (*path, key))


_BUILDERS = {"email": _email, "slack": _slack, "teams": _teams, "webhook": _webhook}
