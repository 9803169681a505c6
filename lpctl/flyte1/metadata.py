"""Notifications, labels, annotations and the security context of a launch plan spec."""

from __future__ import annotations

from flyteidl.admin import common_pb2, launch_plan_pb2
from flyteidl.core import security_pb2

from lpctl.flyte1.context import Context
from lpctl.spec import model

MAX_LABELS = 16


def compile_notifications(ctx: Context, metadata: launch_plan_pb2.LaunchPlanMetadata) -> None:
    from lpctl.shared.k8s import email_problem

    for i, entry in enumerate(ctx.spec.notifications):
        note = metadata.notifications.add(phases=entry.phases)
        getattr(note, entry.channel).recipients_email.extend(entry.recipients)
        for j, address in enumerate(entry.recipients):
            problem = email_problem(address)
            if problem:
                ctx.error("LP601", f"invalid recipient: {problem}", ("notifications", i, entry.channel, j))


def compile_labels(ctx: Context, labels: common_pb2.Labels, annotations: common_pb2.Annotations) -> None:
    from lpctl.shared.k8s import label_key_problems, label_value_problems

    given = ctx.spec.labels
    if len(given) > MAX_LABELS:
        ctx.error("LP701", f"{len(given)} labels, but FlyteAdmin accepts at most {MAX_LABELS}", ("labels",),
                  key=True, hint="move descriptive ones to annotations")
    for key, value in given.items():
        labels.values[key] = value
        for problem in label_key_problems(key):
            ctx.error("LP702", f"invalid label key '{key}': {problem}", ("labels", key), key=True)
        for problem in label_value_problems(value):
            ctx.error("LP703", f'invalid label value "{value}" for key \'{key}\': {problem}', ("labels", key))
    for key, value in ctx.spec.annotations.items():
        annotations.values[key] = value
        for problem in label_key_problems(key):
            ctx.error("LP704", f"invalid annotation key '{key}': {problem}", ("annotations", key), key=True,
                      hint="Kubernetes refuses the pods of an execution with such an annotation")


def compile_security(ctx: Context, spec: launch_plan_pb2.LaunchPlanSpec) -> None:
    security, auth_role = ctx.spec.security_context, ctx.spec.auth_role
    if auth_role is not None and security is not None:
        ctx.error("LP801", "'auth_role' and 'security_context' cannot both be set", ("auth_role",), key=True,
                  hint="auth_role is deprecated: move its values to security_context.run_as")
        return
    if auth_role is not None:
        ctx.warn("LP802", "'auth_role' is deprecated in Flyte; it is rendered as security_context.run_as",
                 ("auth_role",), key=True,
                 hint="write security_context: {run_as: {iam_role: ..., k8s_service_account: ...}}")
        security = model.SecurityContext(run_as=model.RunAs(iam_role=auth_role.assumable_iam_role,
                                                            k8s_service_account=auth_role.kubernetes_service_account))
    if security is not None:
        spec.security_context.CopyFrom(_security_context(security))


def _security_context(security: model.SecurityContext) -> security_pb2.SecurityContext:
    out = security_pb2.SecurityContext()
    run_as = security.run_as
    if run_as is not None:
        out.run_as.SetInParent()
        for key in ("iam_role", "k8s_service_account", "execution_identity"):
            if getattr(run_as, key):
                setattr(out.run_as, key, getattr(run_as, key))
        if run_as.oauth2_client is not None:
            out.run_as.oauth2_client.CopyFrom(_oauth2_client(run_as.oauth2_client))
    out.secrets.extend(_secret(s) for s in security.secrets)
    for token in security.tokens:
        request = out.tokens.add()
        for key in ("name", "idp_discovery_endpoint", "token_endpoint"):
            if getattr(token, key):
                setattr(request, key, getattr(token, key))
        if token.client is not None:
            request.client.CopyFrom(_oauth2_client(token.client))
    return out


def _oauth2_client(client: model.OAuth2Client) -> security_pb2.OAuth2Client:
    out = security_pb2.OAuth2Client(client_id=client.client_id)
    if client.client_secret is not None:
        out.client_secret.CopyFrom(_secret(client.client_secret))
    return out


def _secret(secret: model.Secret) -> security_pb2.Secret:
    # proto3 strings: an empty one is an unset one; the mount requirement is given by its enum name
    return security_pb2.Secret(group=secret.group, key=secret.key, group_version=secret.group_version,
                               env_var=secret.env_var, mount_requirement=secret.mount_requirement or None)
