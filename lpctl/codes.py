"""Every diagnostic code lpctl emits, with what ``lpctl explain`` says about it.

Ranges by stage: LP1xx loading YAML, LP2xx the JSON Schema, LP3xx resolving the workflow,
LP4xx inputs, LP5xx schedules, LP6xx notifications, LP7xx labels and annotations, LP8xx
identity and the rest of the spec, LP9xx Flyte 2 triggers (lpctl.flyte2).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    code: str
    title: str
    #: what it means and why Flyte refuses it
    explanation: str
    #: how to fix it: one or two imperative sentences (``lpctl explain`` prints them last)
    fix: str


def _codes(*entries: tuple[str, str, str, str]) -> dict[str, CodeInfo]:
    return {code: CodeInfo(code, title, " ".join(text.split()), " ".join(fix.split()))
            for code, title, text, fix in entries}


CODES: dict[str, CodeInfo] = _codes(
    ("LP101", "YAML syntax error", """The file is not valid YAML. The position is where the parser
     gave up, which is often just after the real mistake (an unclosed bracket or quote, a bad
     indentation, a tab). YAML indents with spaces only.""",
     """Fix the YAML at or just before the position shown; indent with spaces only and close every
     bracket and quote."""),
    ("LP102", "duplicate key", """The same key appears twice in one mapping. YAML forbids it and
     tools disagree on which value wins (ruamel keeps the first, PyYAML the last), so lpctl refuses
     it.""",
     """Remove one of the two keys."""),
    ("LP103", "YAML tag not allowed", """The document uses a YAML tag such as !!python/object or a
     custom !tag. A spec holds plain data only, and lpctl never constructs objects from tags (that
     is how YAML loaders execute code).""",
     """Remove the tag; quote the value if you want a string."""),
    ("LP104", "empty file or document", """A file named on the command line must hold at least one
     spec, and each '---' document must not be empty.""",
     """Remove the empty '---' document, or write a spec in the file (lpctl new WORKFLOW scaffolds
     one)."""),
    ("LP105", "document is not a mapping", """Each YAML document of a spec file is one launch plan:
     a mapping that starts with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan'.""",
     """Make the document a mapping that starts with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan'."""),
    ("LP106", "not an lpctl spec", """The document lacks 'apiVersion: lpctl/v1' or 'kind:
     LaunchPlan', or has other values. Files named on the command line must be specs; inside a
     directory, YAML files that are not specs are skipped.""",
     """Start the document with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan', or do not name the file
     on the command line."""),
    ("LP107", "file too large", """The file is larger than the limit for a spec (1 MiB by default,
     --max-bytes to change it). A launch plan spec is a few hundred bytes; a file this large is
     almost certainly not one, and reading it would slow every CI run.""",
     """Name only spec files on the command line, or raise the limit with --max-bytes."""),
    ("LP108", "not UTF-8 text", """The file is binary (it contains NUL bytes) or is not UTF-8
     encoded.""",
     """Save the file as UTF-8 text (a byte-order mark is accepted)."""),
    ("LP109", "alias expansion too large or recursive", """YAML aliases (*name) expand to a copy of
     the anchored value. This document expands to more values than any spec could need (the
     "billion laughs" attack) or an alias refers to itself.""",
     """Write the values out instead of expanding aliases, and remove aliases that refer to themselves."""),
    ("LP110", "nesting too deep", """The document nests lists or mappings deeper than a spec ever
     needs. lpctl refuses it instead of exhausting memory or the stack.""",
     """Flatten the document: a spec's values are at most a few levels deep."""),
    ("LP111", "value does not fit its YAML tag", """An explicit tag says what a value is, and the text
     is not that: '!!bool yes' (YAML 1.2 booleans are true and false only), '!!int abc', '!!null x';
     or an integer literal too long to be a number any spec needs; or a string with a lone surrogate
     escape such as "\\ud800", which is not a character and cannot be written as UTF-8, JSON or
     protobuf text.""",
     """Remove the tag or fix the value: true or false for !!bool; for a surrogate, write the
     character itself, or a pair of surrogate escapes for a character beyond the Basic Multilingual
     Plane."""),
    ("LP112", "YAML version directive", """lpctl reads specs with YAML 1.2 rules, where yes, no, on and
     off are strings. A '%YAML 1.1' directive would change what the values mean.""",
     """Remove the '%YAML 1.1' line, and quote yes, no, on and off where you mean strings."""),
    ("LP113", "file skipped: not a regular file", """A *.yaml file inside a directory is a FIFO, a
     device, a socket, or a link to one (/dev/stdin). Reading it could block forever or never end,
     so lpctl skips it and checks the other files.""",
     """Replace it with a regular file, or remove it."""),
    ("LP114", "file skipped: cannot be read", """A *.yaml file inside a directory is a symbolic link
     whose target does not exist (a dangling link) or a link loop. lpctl skips it and checks the
     other files.""",
     """Fix the link's target, or remove the link."""),
    ("LP115", "lpctl fmt left the file as it is", """lpctl fmt rewrites a file only when the result
     means exactly what the file meant and holds every comment next to what it annotates. When it
     cannot promise both (a comment after a '...' marker, inside a [...] or {...} that is itself
     inside one, or on the line below a [...] that is a list item), it writes nothing, leaves the
     file byte for byte as it was, and says which comment it would have lost.""",
     """Move the comment above the key or list item it is about (or to the end of its line), or
     write the list or mapping in block style, one item a line; then run lpctl fmt again."""),
    ("LP201", "unknown key", """The mapping has a key the spec format does not define. A misspelt
     key would otherwise be silently ignored, so it is an error; the hint suggests the key you
     probably meant, or where the key belongs. Free maps (labels, annotations, envs, default_inputs,
     fixed_inputs, workflow.inputs) accept any key.""",
     """Fix the spelling (the hint suggests the key), move the key where it belongs, or remove it."""),
    ("LP202", "wrong type", """A value has the wrong YAML type, for example a string where an
     integer is expected. Values are read with YAML 1.2 rules: yes/no/on/off are strings, and 1.10 is
     the number 1.1, so quote versions.""",
     """Write the value with the expected type; quote it to make it a string."""),
    ("LP203", "missing required key", """A mapping lacks a key it needs: 'workflow' at the top level,
     'name' of a workflow written in the spec, 'phases' of a notification, and the like.""",
     """Add the missing key."""),
    ("LP204", "value not allowed", """The value is not one of a fixed set: notification phases
     (only the terminal SUCCEEDED, FAILED, TIMED_OUT and ABORTED trigger notifications), secret mount
     requirements, the concurrency behavior. Flyte knows no other values.""",
     """Use one of the values the message lists."""),
    ("LP205", "value of the wrong form", """A string does not have the expected form: a workflow import
     path, a duration, an ISO 8601 offset, an input name, an environment variable name. The message
     shows the expected form.""",
     """Rewrite the value in the form the message shows."""),
    ("LP206", "number out of range", """A number is outside what its protobuf field can hold or what
     Flyte accepts (max_parallelism is an int32; max_concurrency must be at least 1).""",
     """Use a number inside the range the message gives."""),
    ("LP207", "empty or wrong size", """An empty string or list where Flyte needs a value: names,
     project, domain, version, notification phases and recipients.""",
     """Give a non-empty value, or remove the key."""),
    ("LP208", "mutually exclusive keys", """Flyte's Schedule holds either a cron expression or a fixed
     rate, and a Notification exactly one channel (email, slack or pager_duty); an offset applies to
     cron schedules only.""",
     """Keep exactly one of the keys."""),
    ("LP301", "workflow module not found", """The module of the 'workflow:' import path cannot be
     found on the import roots: the current directory, then [tool.lpctl] python_path in
     pyproject.toml, then --python-path.""",
     """Check the spelling, or add the directory that holds the top-level package to [tool.lpctl]
     python_path or --python-path."""),
    ("LP302", "workflow module raised while importing", """Importing the workflow's module raised an
     exception (shown with its type and message). lpctl imports the module the way pyflyte would, so
     registration would fail the same way. Fix the module, or the environment it needs.""",
     """Fix the module, or install what it needs in the environment lpctl runs in."""),
    ("LP303", "attribute not found in module", """The module imports, but has no attribute of that
     name. The hint lists close names and the workflows the module defines.""",
     """Fix the attribute name; the hint lists close names and the workflows the module defines."""),
    ("LP304", "not a workflow", """The import path names something that is not a workflow: a task,
     a LaunchPlan, a class or a value. A launch plan launches a flytekit @workflow (or, without
     flytekit, a function with type hints).""",
     """Point 'workflow' at a flytekit @workflow, or at a function with type hints."""),
    ("LP305", "malformed import path", """'workflow:' must be an import path 'package.module:workflow'
     (or the dotted 'package.module.workflow'), or a mapping with the registered workflow's 'name'
     and 'inputs'.""",
     """Write 'package.module:workflow', or a mapping with 'name' and 'inputs'."""),
    ("LP306", "workflow interface cannot be typed", """lpctl cannot work out the workflow's input
     types: an input without a type hint, a type Flyte cannot express, a Python default that does
     not fit its type, or a type written in the spec that lpctl cannot read (use Python syntax:
     int, float, str, bool, datetime, timedelta, list[T], dict[str, T], Optional[T]).""",
     """Add type hints Flyte can express, make the Python default fit its type, or write the type in
     Python syntax (int, float, str, bool, datetime, timedelta, list[T], dict[str, T], Optional[T])."""),
    ("LP307", "workflow module import timed out", """Importing the workflow's module did not finish
     within the time limit (60 s by default, --import-timeout to change it): module-level code waits
     on a network, a lock or a loop. The other specs are still checked.""",
     """Keep the module's top-level code cheap, or raise the limit with --import-timeout."""),
    ("LP308", "workflow or task missing from the lock", """The command runs with --locked (or [tool.lpctl]
     locked = true), so it answers workflow and task references from lpctl.lock and imports nothing
     (for every kind of spec), and the lock has no entry for this import path: the spec is new, or
     names another workflow or task than when the lock was written.""",
     """Write the lock again with 'lpctl lock' on the specs, where the workflows can be imported (it
     imports each once and records its interface), or with 'lpctl lock --from-admin' for a workflow
     registered elsewhere, and commit lpctl.lock."""),
    ("LP309", "malformed lock entry", """An entry of lpctl.lock that a spec uses is not what 'lpctl
     lock' writes: a key is missing, unknown or of the wrong type ("name": null, a "reference" that is
     not four strings, an "origin" other than import or admin), a type or parameter is not a valid
     Flyte message (an unknown enum value), a dataclass shape is malformed or does not fit its type,
     or a value is not in canonical form. The file was edited by hand, merged badly, or written by
     another lpctl. The error is at the entry's line in the lock; the specs naming that workflow are
     not compiled, so no bundle is built from it.""",
     """Write the lock again with 'lpctl lock' (it replaces the entry); never edit lpctl.lock by
     hand."""),
    ("LP310", "lock file not readable as a lock", """Under --locked, lpctl.lock is read like any input
     and it is not a lock: not valid JSON (a merge conflict, a truncated file), nested deeper than a
     lock ever is, a string with a lone surrogate escape ("\\ud800"), NaN, not UTF-8, larger than 64
     MiB, or not an object with "lockVersion": 1 and "workflows". The position is where reading
     stopped; no spec that names a workflow is compiled.""",
     """Write the lock again with 'lpctl lock' (it replaces a lock it cannot read), and commit it."""),
    ("LP311", "registered workflow not found", """'lpctl lock --from-admin' asks FlyteAdmin for the
     workflow the spec references (project, domain, the import path as registered name, and
     workflow_version, else the version), and FlyteAdmin has no such workflow, or no version was
     given to ask for.""",
     """Check the project, domain and version (--workflow-version), or register the workflow
     first."""),
    ("LP401", "unknown default input", """A key of default_inputs is not an input of the workflow.
     flytekit fails with a KeyError and FlyteAdmin with 'unexpected default_input'. The hint lists
     the workflow's inputs.""",
     """Fix the input's name (the hint lists the workflow's inputs), or remove it."""),
    ("LP402", "unknown fixed input", """A key of fixed_inputs is not an input of the workflow.
     flytekit fails with 'Received unexpected keyword argument' and FlyteAdmin with 'unexpected
     fixed_input'.""",
     """Fix the input's name (the hint lists the workflow's inputs), or remove it from fixed_inputs."""),
    ("LP403", "input both fixed and defaulted", """The same input is in fixed_inputs and in
     default_inputs. A fixed input cannot be overridden at launch, so flytekit silently drops the
     default: the spec says something that will not happen.""",
     """Keep the input in fixed_inputs or in default_inputs, not both."""),
    ("LP404", "inputs for a workflow without inputs", """The workflow takes no inputs, but the spec
     gives default or fixed inputs. FlyteAdmin refuses this ('expected none but found N').""",
     """Remove default_inputs and fixed_inputs, or point 'workflow' at the workflow that takes these
     inputs."""),
    ("LP405", "input value of the wrong type", """A default or fixed input value does not fit the
     workflow input's type, at any depth (list items, map values, Optional). Values are typed by
     the workflow's interface, not by YAML: quote a number meant as a string ('123'), write true or
     false for a bool (yes/no are strings in YAML 1.2), ISO 8601 for datetimes and 90m, 1h30m or
     PT1H30M for durations. An integer is accepted for a float.""",
     """Write the value in the input's type: quote a number meant as a string ('123'), write true or
     false for a bool, ISO 8601 for datetimes and 90m, 1h30m or PT1H30M for durations."""),
    ("LP406", "value not among the enum's values", """The input is an Enum and the value is not one
     of its values (Flyte compares the enum's string values, case-sensitively).""",
     """Use one of the enum's values the message lists, spelled exactly (the hint suggests the
     closest)."""),
    ("LP411", "local path for a file or directory input", """A FlyteFile or FlyteDirectory input (or
     field) is given a local path ('./data.csv', '/tmp/x', 'file:///...'). flytekit uploads a local
     path when it launches, or, run locally as lpctl runs it, copies it into a fresh temporary folder:
     the launch plan would name a different /tmp path on every run and 'render --check' could never
     pass. lpctl uploads nothing. A remote URI (any protocol but file: s3://, gs://, abfs://,
     https://, ...) is written into the launch plan as it is, as flytekit does, with or without
     --locked.""",
     """Write the remote URI of the file or directory, after uploading it (aws s3 cp, gsutil cp, ...)."""),
    ("LP410", "value needs flytekit to convert", """Under --locked lpctl imports neither the workflow
     nor flytekit, and converts input values itself from what lpctl.lock records. It can encode
     dataclasses made of int, float, str, bool, enums, lists, dicts, Optional, FlyteFile and
     FlyteDirectory (remote URIs) and other such dataclasses, as flytekit does; this value's type
     holds something only flytekit can encode (a datetime in a dataclass, a Union of several types,
     a FlyteFile default ...).""",
     """Check these specs without --locked, where flytekit and the workflow's dependencies are
     installed, or give the value a type lpctl can encode."""),
    ("LP501", "cron expression the scheduler cannot run", """The Flyte scheduler parses cron with
     the standard five fields only: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or
     jan-dec) and day of week (0-6 or sun-sat), with *, ?, ranges, steps and lists; or one of
     @hourly @daily @weekly @monthly @yearly @annually @midnight. Six fields, L, W, # and values out
     of range are refused by FlyteAdmin at registration, although flytekit accepts some of them.""",
     """Rewrite the expression in five standard fields, or use one of the '@' descriptors."""),
    ("LP502", "cron alias without '@'", """flytekit accepts 'daily', 'hourly', 'days' and the like,
     but FlyteAdmin's parser only knows the '@' descriptors: registration fails.""",
     """Write the '@' descriptor: '@daily' instead of 'daily'."""),
    ("LP503", "cron expression never fires", """The expression is well formed but names dates that
     never come, such as February 31st. flytekit refuses it, and the Flyte scheduler fails on it.""",
     """Use dates that exist (February has at most 29 days, April, June, September and November 30)."""),
    ("LP504", "cron syntax flytekit refuses", """'@every <duration>' and 'TZ=' / 'CRON_TZ=' prefixes
     are accepted by FlyteAdmin but refused by flytekit, so a launch plan using them cannot be built
     the usual way and behaves differently across tools. lpctl checks a time zone and renders the
     prefix itself.""",
     """Use fixed_rate instead of '@every'. For a time zone, write 'timezone: Europe/Berlin' under
     schedule and leave the prefix out of cron."""),
    ("LP505", "offset is not an ISO 8601 duration", """CronSchedule.offset must be an ISO 8601
     duration such as PT1H or -PT30M; flytekit refuses anything else.""",
     """Write the offset as an ISO 8601 duration such as PT1H or -PT30M."""),
    ("LP506", "invalid fixed rate", """A fixed rate must be a positive whole number of minutes,
     hours or days (30m, 6h, 2d, or ISO 8601 like PT90M). Flyte has no seconds unit, and a rate of
     zero is never scheduled.""",
     """Write a positive whole number of minutes, hours or days: 30m, 6h, 2d or PT90M."""),
    ("LP507", "kickoff argument is not an input", """schedule.kickoff_time_input_arg must name an
     input of the workflow: the scheduler passes the fire time in it. flytekit does not check this;
     FlyteAdmin refuses it at registration.""",
     """Set kickoff_time_input_arg to the name of a datetime input of the workflow, or remove it."""),
    ("LP508", "kickoff argument is fixed", """The kickoff argument must stay free for the scheduler
     to set; a fixed input cannot be set at launch.""",
     """Remove the input from fixed_inputs."""),
    ("LP509", "kickoff argument is not a datetime", """FlyteAdmin requires the kickoff argument to be
     a plain datetime input; Optional[datetime] is refused as well.""",
     """Point kickoff_time_input_arg at an input of type datetime (not Optional[datetime])."""),
    ("LP510", "scheduled launch plan leaves an input unbound", """A scheduled launch plan is started
     by the scheduler with no inputs but the kickoff time, so every other required input needs a
     default or fixed value. FlyteAdmin refuses the launch plan otherwise.""",
     """Give the input a value under default_inputs or fixed_inputs, give it a default in the workflow,
     or make it the kickoff_time_input_arg if it is a datetime."""),
    ("LP511", "schedule fires very often", """The schedule fires more often than every 5 minutes.
     Each firing is a whole workflow execution (for a trigger, a task run); this is a warning
     (an error under --strict).""",
     """Schedule it less often (every 5 minutes or more), or accept the warning without --strict."""),
    ("LP512", "unknown time zone", """schedule.timezone must be an IANA time zone name from the tz
     database, such as Europe/Berlin, America/New_York or UTC (names are case-sensitive). With a
     zone, cronSchedule.schedule renders as 'CRON_TZ=<zone> <expression>', which FlyteAdmin's
     native scheduler reads; flytekit's CronSchedule refuses that string, so a launch plan with a
     time zone has no flytekit twin.""",
     """Fix the name (the hint suggests the nearest one), or remove 'timezone' to schedule in UTC."""),
    ("LP513", "fire time skipped by daylight saving time", """On the day the schedule's time zone
     moves its clocks forward, the wall times in between (02:00-03:00 in much of Europe) do not
     exist, and the Flyte scheduler skips a fire time that falls there: the launch plan does not run
     that day.""",
     """Move the time out of that hour, or schedule in UTC (lpctl schedule shows the times)."""),
    ("LP514", "fire time repeated by daylight saving time", """On the day the schedule's time zone
     moves its clocks back, the wall times of one hour happen twice, and the Flyte scheduler fires
     at both (it computes each fire time from the previous one): the launch plan runs twice.""",
     """Move the time out of that hour, or schedule in UTC (lpctl schedule shows the times)."""),
    ("LP515", "cron fires only on February 29", """The expression's only day is February 29, so the
     launch plan runs once every four years. The Flyte scheduler has no 'L' (last day of the
     month).""",
     """Use day 28 for the end of February, or day 1 of March."""),
    ("LP601", "recipient is not an e-mail address", """Flyte sends e-mail, Slack and PagerDuty
     notifications as e-mails to these addresses (Slack and PagerDuty give each channel an address),
     so every recipient must be an e-mail address.""",
     """Write an e-mail address; for Slack and PagerDuty, the channel's or service's e-mail address."""),
    ("LP701", "too many labels", """FlyteAdmin refuses a launch plan with more than 16 labels, so
     registration would fail.""",
     """Keep at most 16 labels; move descriptive entries to annotations."""),
    ("LP702", "invalid label key", """Label keys must be Kubernetes qualified names: an optional DNS
     subdomain prefix and '/', then at most 63 characters of letters, digits, '-', '_' and '.',
     starting and ending with a letter or digit. FlyteAdmin refuses others.""",
     """Rename the key: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending
     with a letter or digit, with an optional DNS subdomain prefix and '/'."""),
    ("LP703", "invalid label value", """Label values must be at most 63 characters of letters,
     digits, '-', '_' and '.', starting and ending with a letter or digit, or empty. FlyteAdmin
     refuses others.""",
     """Shorten the value to 63 characters of letters, digits, '-', '_' and '.', starting and ending
     with a letter or digit; move free text to annotations."""),
    ("LP704", "invalid annotation key", """Annotation keys are put on the execution's Kubernetes
     objects, which require qualified names (as for label keys). FlyteAdmin does not check them at
     registration, so the failure would come at run time.""",
     """Rename the key as a Kubernetes qualified name (as for label keys)."""),
    ("LP801", "auth_role together with security_context", """auth_role is the deprecated form of
     security_context.run_as; flytekit refuses both together ('You cannot specify both AuthRole and
     SecurityContext').""",
     """Remove auth_role and set security_context.run_as instead."""),
    ("LP802", "deprecated auth_role", """auth_role is deprecated in Flyte. lpctl renders it exactly as
     flytekit does, as security_context.run_as (iam_role, k8s_service_account).""",
     """Replace auth_role with security_context.run_as (iam_role, k8s_service_account)."""),
    ("LP803", "overwrite_cache: false has no effect", """false is Flyte's default and flytekit does
     not even send it; the line suggests an override that does not exist.""",
     """Remove the line."""),
    ("LP804", "default launch plan with properties", """Without 'name' the spec describes the
     workflow's default launch plan, which flytekit builds from the workflow alone: it refuses
     other properties ('Only named launchplans can be created that have other properties').""",
     """Give the launch plan a name, or remove the other properties."""),
    ("LP805", "identifier Flyte cannot store", """The launch plan's name, project, domain or version, or
     a trigger's project or domain, contains whitespace, '/', '?', '#', '%', a backslash or control
     characters, or is longer than 255 characters; FlyteAdmin's URLs and flytectl cannot address such
     an entity.""",
     """Use a shorter identifier without whitespace, '/', '?', '#', '%', backslashes or control
     characters."""),
    ("LP806", "duplicate launch plan", """Two specs define a launch plan with the same project,
     domain and name. Registering both would fail ('different structure already exists') or
     silently keep one; the message names both places.""",
     """Give one of the two launch plans another name, or put them in different projects or domains; if
     they are copies, delete one."""),
    ("LP808", "concurrency limit below 1", """FlyteAdmin accepts max_concurrency 0, but then skips
     every execution of the launch plan.""",
     """Set max_concurrency to 1 or more."""),
    ("LP901", "not a Flyte 2 task", """A Trigger's 'task:' must name a flyte-sdk task (a function decorated with
     @env.task of a flyte.TaskEnvironment): triggers belong to tasks in Flyte 2. A flytekit task or
     workflow is Flyte 1 (write a LaunchPlan spec); a plain function is not registered at all. Also
     reported when flyte-sdk is not installed (lpctl's flyte2 extra).""",
     """Point 'task:' at a flyte-sdk task (@env.task); for a flytekit workflow write a LaunchPlan spec;
     install flyte-sdk (pip install 'flyte>=2.12,<3') if it is missing."""),
    ("LP902", "Flyte 2 task interface cannot be read", """flyte-sdk could not type the task's inputs or encode
     its Python defaults (the message shows flyte's error).""",
     """Fix the task's signature: type hints flyte-sdk can express, defaults that fit them."""),
    ("LP903", "unknown trigger input", """A key of 'inputs' is not an input of the task. flyte-sdk refuses it
     ("Trigger default input 'x' must be an input to the task"). The hint lists the task's inputs.""",
     """Fix the input's name (the hint lists the task's inputs), or remove it."""),
    ("LP904", "trigger input of the wrong type", """A value in 'inputs' does not fit the task input's type.
     flyte-sdk does not check (it encodes the value by its own Python type, and the run fails when the
     task decodes it), so lpctl does; for a dataclass input, a mapping's fields are checked against the
     dataclass (no unknown field, every field without a default given, each of its type).""",
     """Quote numbers meant as strings, write true or false for booleans, ISO 8601 for datetimes and
     90m, 1h30m or PT1H30M for durations; write null only for an Optional input; give a dataclass
     input a mapping of its fields."""),
    ("LP905", "not a member name of the enum", """Flyte 2 transports an Enum input by its member name (GREEN),
     not by its value as Flyte 1 did ("green"): the task decodes it with Color["GREEN"].""",
     """Write the member name (GREEN), not the value; the message lists them."""),
    ("LP906", "list or typed-mapping trigger input", """flyte-sdk 2.12.1 cannot send a list as a trigger
     input (it is pickled into bytes that its own runtime cannot decode as the declared type), nor a
     mapping for any input but an untyped dict or a dataclass (a dict[str, T] input fails with "Failed to
     convert trigger default input"). A mapping for an untyped dict or a dataclass is sent as msgpack.""",
     """Give the value as the task's Python default instead, or pass it when starting the run."""),
    ("LP907", "kickoff argument is not a task input", """schedule.kickoff_time_input_arg must name an input of
     the task; flyte-sdk refuses it otherwise ("the TriggerTime input ... must be an input to the task").
     The hint lists the inputs.""",
     """Set kickoff_time_input_arg to the name of a datetime input of the task (the hint lists the
     inputs), or remove it."""),
    ("LP908", "kickoff argument is not a datetime", """The scheduler passes the fire time as a datetime literal;
     an input of another type would fail every scheduled run.""",
     """Point kickoff_time_input_arg at a datetime input."""),
    ("LP909", "kickoff argument also given a value", """The kickoff argument is bound to the fire time
     (flyte.TriggerTime); a value in 'inputs' for the same name would be replaced at every run.""",
     """Remove the kickoff argument from 'inputs'."""),
    ("LP910", "scheduled trigger leaves an input unbound", """A scheduled trigger starts runs with no one to
     supply inputs: every task input without a Python default must get a value in 'inputs' or be the
     kickoff argument. flyte-sdk and the backend accept it; every run then fails.""",
     """Give the input a value in 'inputs', a Python default in the task, or make it the kickoff
     argument."""),
    ("LP911", "cron expression the Flyte 2 backend refuses", """flyte deploy sends the cron and its timezone; the
     backend prefixes CRON_TZ=<timezone> and parses with unionai/cron's ParseStandard, refusing the whole
     task deploy on an error: exactly five fields (minute hour day-of-month month day-of-week; names
     jan-dec, sun-sat; day-of-week 0-6; no L, W, #), or @hourly @daily @weekly @monthly @yearly @annually
     @midnight, or @every <duration>. flytekit's 'daily' (no @) is refused; a CRON_TZ= prefix belongs in
     'timezone'.""",
     """Rewrite the expression in five standard fields or an '@' descriptor, and put a time zone under
     'timezone', not in the cron."""),
    ("LP912", "cron expression never fires", """The expression parses but names dates that do not exist (0 0 31 2
     *): the backend accepts it and the trigger never runs.""",
     """Use days that exist (February has at most 29 days, April, June, September and November 30)."""),
    ("LP913", "unknown time zone", """schedule.timezone must be an IANA zone name, spelt with its case
     (Europe/Berlin); the backend loads it with Go's time.LoadLocation and refuses the deploy otherwise.
     UTC is the default.""",
     """Fix the zone's name, with its case (Europe/Berlin), or remove 'timezone' for UTC."""),
    ("LP914", "invalid fixed rate", """A Flyte 2 fixed rate is a positive whole number of minutes that fits a
     uint32 (FixedRate.interval_minutes). A rate of 0 never advances and makes the scheduler loop.""",
     """Write a positive whole number of minutes: 30m, 6h, 2d or PT1H30M."""),
    ("LP915", "max_action_concurrency 1 or negative", """flyte-sdk refuses max_action_concurrency below 0 or
     equal to 1: 1 would deadlock the run, since the parent action holds a slot while waiting for its
     children.""",
     """Use 0 (the platform default) or 2 and more."""),
    ("LP916", "description longer than 255 characters", """flyte-sdk silently cuts a longer description to 247
     characters and '...(tr.)', and the backend to its first 255 bytes of UTF-8 (which can split a
     character).""",
     """Shorten the description to 255 characters (and 255 bytes of UTF-8)."""),
    ("LP917", "trigger name empty or too long", """flyte-sdk refuses an empty trigger name, and TaskTrigger.name
     holds 1 to 255 characters.""",
     """Give the trigger a name of 1 to 255 characters."""),
    ("LP918", "notification phase not supported", """Flyte 2 notifications fire on the terminal phases SUCCEEDED,
     FAILED, TIMED_OUT and ABORTED only, and need at least one; flyte-sdk refuses RUNNING and the others
     ("Notification on phase ... is not supported").""",
     """Keep only SUCCEEDED, FAILED, TIMED_OUT and ABORTED, at least one of them."""),
    ("LP919", "notification phase listed twice", """InlineRule.on_phases must hold each phase once. flyte-sdk
     keeps the repeat; the rule's validation refuses it.""",
     """Remove the duplicate phase."""),
    ("LP920", "notification without recipient or URL", """flyte-sdk refuses an Email without recipients ("At
     least one recipient must be specified"), a Slack or Teams notifier without webhook_url and a Webhook
     without url.""",
     """Give the e-mail recipients, the Slack or Teams webhook_url, or the webhook url."""),
    ("LP921", "webhook beyond Flyte 2's limits", """A WebhookDeliveryTemplate holds a URL of at most 2000
     characters and at most 20 headers, names of 1 to 20 and values of 1 to 50 characters.""",
     """Shorten the URL to 2000 characters and keep at most 20 headers, names of 1 to 20 and values of
     1 to 50 characters."""),
    ("LP922", "reserved custom_context key", """flyte's runtime reads _u_kickoff_time_input_arg and
     _u_produced_artifacts from the trigger's context, and takes the first entry of that name: a
     custom_context key of that name would replace the kickoff argument.""",
     """Rename the custom_context key."""),
    ("LP923", "duplicate trigger", """A task's triggers are identified by their name in a project and domain:
     two specs with the same project, domain, task and trigger name would replace each other at deploy.""",
     """Rename one of the two triggers, or delete the copy."""),
    ("LP924", "recipient is not an e-mail address", """Flyte 2 e-mail notifications need real addresses in
     recipients, cc and bcc; flyte-sdk does not check them and delivery fails later.""",
     """Write a real e-mail address."""),
    ("LP925", "task also declares triggers in code", """The task's code passes triggers= to @env.task. A
     'flyte deploy' of a task that declares triggers replaces the task's triggers on the server with those:
     it soft-deletes every other trigger of the task name, including the ones 'lpctl apply' deployed, and
     re-points the declared ones to the deployed version. The next 'lpctl plan' then shows them to create
     again. (Under --locked the task is not imported and this is not checked.)""",
     """Keep a task's triggers in one place: remove triggers= from the task, or remove this spec."""),
)


def explain(code: str) -> CodeInfo | None:
    return CODES.get(code.upper())
