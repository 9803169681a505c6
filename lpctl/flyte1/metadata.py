"""Notifications, labels, annotations and the security context of a launch plan spec."""

from __future__ import annotations

from typing import Any

from flyteidl.admin import common_pb2, launch_plan_pb2
from flyteidl.core import security_pb2

from lpctl.flyte1.context import Context

MAX_LABELS = 16
_CHANNELS = {"email": "email", "slack": "slack", "pager_duty": "pager_duty"}


def compile_notifications(ctx: Context, metadata: launch_plan_pb2.LaunchPlanMetadata) -> None:
    from lpctl.flyte1.k8s import email_problem

    for i, entry in enumerate(ctx.data.get("notifications") or []):
        note = metadata.notifications.add(phases=entry.get("phases", []))
        for channel, field in _CHANNELS.items():
            if channel not in entry:
                continue
            getattr(note, field).recipients_email.extend(entry[channel])
            for j, address in enumerate(entry[channel]):
                problem = email_problem(address)
                if problem:
                    ctx.error("LP601", f"invalid recipient: {problem}",
                              ("notifications", i, channel, j))


def compile_labels(ctx: Context, labels: common_pb2.Labels, annotations: common_pb2.Annotations) -> None:
    from lpctl.flyte1.k8s import label_key_problems, label_value_problems

    given: dict[str, str] = ctx.data.get("labels") or {}
    if len(given) > MAX_LABELS:
        ctx.error("LP701", f"{len(given)} labels, but FlyteAdmin accepts at most {MAX_LABELS}", ("labels",),
                  key=True, hint="move descriptive ones to annotations")
    for key, value in given.items():
        labels.values[key] = value
        for problem in label_key_problems(key):
            ctx.error("LP702", f"invalid label key '{key}': {problem}", ("labels", key), key=True)
        for problem in label_value_problems(value):
            ctx.error("LP703", f'invalid label value "{value}" for key \'{key}\': {problem}', ("labels", key))
    for key, value in (ctx.data.get("annotations") or {}).items():
        annotations.values[key] = value
        for problem in label_key_problems(key):
            ctx.error("LP704", f"invalid annotation key '{key}': {problem}", ("annotations", key), key=True,
                      hint="Kubernetes refuses the pods of an execution with such an annotation")


def compile_security(ctx: Context, spec: launch_plan_pb2.LaunchPlanSpec) -> None:
    data = ctx.data
    security = data.get("security_context")
    auth_role = data.get("auth_role")
    if auth_role is not None and security is not None:
        ctx.error("LP801", "'auth_role' and 'security_context' cannot both be set", ("auth_role",), key=True,
                  hint="auth_role is deprecated: move its values to security_context.run_as")
        return
    if auth_role is not None:
        ctx.warn("LP802", "'auth_role' is deprecated in Flyte; it is rendered as security_context.run_as",
                 ("auth_role",), key=True,
                 hint="write security_context: {run_as: {iam_role: ..., k8s_service_account: ...}}")
        security = {"run_as": {"iam_role": auth_role.get("assumable_iam_role", ""),
                               "k8s_service_account": auth_role.get("kubernetes_service_account", "")}}
    if security is not None:
        spec.security_context.CopyFrom(_security_context(security))


def _security_context(data: dict[str, Any]) -> security_pb2.SecurityContext:
    out = security_pb2.SecurityContext()
    run_as = data.get("run_as")
    if run_as is not None:
        out.run_as.SetInParent()
        for key in ("iam_role", "k8s_service_account", "execution_identity"):
            if run_as.get(key):
                setattr(out.run_as, key, run_as[key])
        if run_as.get("oauth2_client"):
            out.run_as.oauth2_client.CopyFrom(_oauth2_client(run_as["oauth2_client"]))
    out.secrets.extend(_secret(s) for s in data.get("secrets") or [])
    for token in data.get("tokens") or []:
        request = out.tokens.add()
        for key in ("name", "idp_discovery_endpoint", "token_endpoint"):
            if token.get(key):
                setattr(request, key, token[key])
        if token.get("client"):
            request.client.CopyFrom(_oauth2_client(token["client"]))
    return out


def _oauth2_client(data: dict[str, Any]) -> security_pb2.OAuth2Client:
    client = security_pb2.OAuth2Client(client_id=data.get("client_id", ""))
    if data.get("client_secret"):
        client.client_secret.CopyFrom(_secret(data["client_secret"]))
    return client


def _secret(data: dict[str, Any]) -> security_pb2.Secret:
    fields = ("group", "key", "group_version", "env_var", "mount_requirement")
    return security_pb2.Secret(**{key: data[key] for key in fields if data.get(key)})
