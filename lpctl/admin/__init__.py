"""Talking to FlyteAdmin.

client (the gRPC calls), auth (tokens and OAuth2 client credentials), text (server text made safe
to show), compare (a registered launch plan against ours, through lpctl.diff), outcome (what a
run did, shared by register and apply), register (create and activate), reconcile (plan and apply),
plan (a plan's actions and how they are shown), guard (paging bounds, scope, interruption: what any
reconcile guards against); secrets are masked by lpctl.redact.
"""

#: the seconds the server may take to answer all the pages of one listing (``--list-timeout``): a server that
#: answers each page within the call timeout, but slowly, would otherwise keep lpctl for hours (10,000 pages
#: of 30 s); a real listing of that many pages takes minutes. Here, not in :mod:`lpctl.admin.guard`, so that the
#: command line's options have their default without importing it.
LIST_TIMEOUT = 600.0
