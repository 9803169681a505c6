"""Talking to FlyteAdmin.

client (the gRPC calls), auth (tokens and OAuth2 client credentials), text (server text made safe
to show), compare (a registered launch plan against ours, through lpctl.diff), outcome (what a
run did, shared by register and apply), register (create and activate), reconcile (plan and apply),
plan (a plan's actions and how they are shown), guard (paging bounds, scope, interruption: what any
reconcile guards against); secrets are masked by lpctl.redact.
"""
