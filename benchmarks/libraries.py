"""Each hand-written accelerator of lpctl against the well-kept libraries that do the same job, on the
same work: same answers or bytes, and at what speed (issue 24, "Dependencies, measured").

    python benchmarks/libraries.py SPEC_DIR [--rounds 5]

SPEC_DIR is a directory of specs, such as bench.py's ``specs_1000`` (a mix of block style, flow style
and comments). The libraries are optional: one that is not installed is reported as such
(``pip install jsonschema-rs orjson yaml-rs rapidyaml ruamel.yaml.clib``). Times are medians of
``--rounds`` interleaved rounds, in this one process, CPU time (``time.process_time``).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from lpctl.spec.load import load_bytes


def _files(root: str) -> list[tuple[str, bytes]]:
    out = []
    for dirpath, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(dirpath, name), "rb") as f:
                    out.append((os.path.join(dirpath, name), f.read()))
    return out


def _timed(cases: dict[str, Callable[[], Any]], rounds: int) -> dict[str, tuple[float, float, float]]:
    """name -> (median, min, max) CPU seconds over interleaved rounds."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, work in cases.items():
            start = time.process_time()
            work()
            samples[name].append(time.process_time() - start)
    return {name: (statistics.median(s), min(s), max(s)) for name, s in samples.items()}


def _row(name: str, t: tuple[float, float, float], base: float, same: str) -> str:
    return f"  {name:<58} {t[0] * 1000:8.1f} ms  ({t[1] * 1000:.0f}-{t[2] * 1000:.0f})  {t[0] / base:5.2f}x  {same}"


def yaml_parsers(files: list[tuple[str, bytes]], rounds: int) -> list[str]:
    """lpctl's loader (values + the position of every key and value) against parsers of values only."""
    from lpctl.spec import load as lpload

    texts = [raw.decode() for _, raw in files]
    ours = [[d.data for d in load_bytes(raw, path)[0]] for path, raw in files]
    cases: dict[str, Callable[[], Any]] = {
        "lpctl load_bytes (values + positions; line reader first)": lambda: [load_bytes(raw, p) for p, raw in files],
    }
    answers: dict[str, Callable[[], list[Any]]] = {}

    def composer_only() -> list[Any]:
        pairs = zip(texts, files, strict=True)
        return [lpload._build_all(lpload._compose_libyaml(t) or [], p)[0] for t, (p, _) in pairs]

    cases["lpctl libyaml composer + position builder (no line reader)"] = composer_only
    answers["lpctl libyaml composer + position builder (no line reader)"] = lambda: [
        [d.data for d in docs] for docs in composer_only()]
    with contextlib.suppress(ImportError):
        import yaml

        def pyyaml() -> list[Any]:
            return [list(yaml.load_all(t, Loader=yaml.CSafeLoader)) for t in texts]

        cases["PyYAML CSafeLoader (libyaml; YAML 1.1, values only)"] = pyyaml
        answers["PyYAML CSafeLoader (libyaml; YAML 1.1, values only)"] = pyyaml
    with contextlib.suppress(ImportError):
        from ruamel.yaml import YAML
        from ruamel.yaml.parser import Parser as PureParser

        def ruamel(pure: bool) -> Callable[[], list[Any]]:
            loader = YAML(typ="safe", pure=pure)
            return lambda: [list(loader.load_all(t)) for t in texts]

        if YAML(typ="safe").Parser is not PureParser:
            cases["ruamel.yaml + clib, typ=safe (values only)"] = ruamel(False)
            answers["ruamel.yaml + clib, typ=safe (values only)"] = ruamel(False)
        cases["ruamel.yaml pure Python, typ=safe (values only)"] = ruamel(True)
        answers["ruamel.yaml pure Python, typ=safe (values only)"] = ruamel(True)
    with contextlib.suppress(ImportError):
        import yaml_rs

        def rust() -> list[Any]:
            return [_all(yaml_rs.loads(t)) for t in texts]

        cases["yaml-rs loads (Rust; values only)"] = rust
        answers["yaml-rs loads (Rust; values only)"] = rust
    with contextlib.suppress(ImportError):
        import ryml

        cases["rapidyaml parse_in_arena (C++; a tree, no Python values)"] = lambda: [
            ryml.parse_in_arena(raw) for _, raw in files]
    times = _timed(cases, rounds)
    base = times[next(iter(cases))][0]
    lines = [f"YAML, {len(files)} files ({sum(map(len, texts)) // 1024} KiB), CPU per run, vs lpctl's loader:"]
    for name, t in times.items():
        same = "(reference)" if name == next(iter(cases)) else "values: " + _same(answers.get(name), ours)
        lines.append(_row(name, t, base, same))
    return lines


def _all(value: Any) -> list[Any]:
    return value if isinstance(value, list) and value and isinstance(value[0], dict) else [value]


def _same(answer: Callable[[], list[Any]] | None, ours: list[Any]) -> str:
    if answer is None:
        return "not comparable (no values)"
    try:
        theirs = answer()
    except Exception as e:
        return f"failed: {type(e).__name__}"
    equal = sum(1 for a, b in zip(theirs, ours, strict=True) if _plain(a) == _plain(b))
    return f"{equal}/{len(ours)} files equal"


def _plain(value: Any) -> Any:
    """Values as JSON would carry them (timestamps and dates as text: lpctl keeps them as written)."""
    return json.loads(json.dumps(value, default=str))


def schema_checkers(files: list[tuple[str, bytes]], rounds: int) -> list[str]:
    """lpctl.accel.fastschema against jsonschema (the reference) and jsonschema-rs, on valid documents
    and on each document broken in four ways."""
    from jsonschema import Draft202012Validator

    from lpctl.accel.fastschema import is_valid
    from lpctl.spec.schema import load_schema

    schema = load_schema()
    docs = [d.data for _, raw in files for d in load_bytes(raw, "x")[0]]
    broken = [b for d in docs for b in _broken(d)]
    reference = Draft202012Validator(schema)
    cases: dict[str, Callable[[Any], Any]] = {"lpctl fastschema.is_valid": is_valid,
                                              "jsonschema (Draft 2020-12, is_valid)": reference.is_valid}
    with contextlib.suppress(ImportError):
        import jsonschema_rs

        cases["jsonschema-rs (validator_for, is_valid)"] = jsonschema_rs.validator_for(schema).is_valid
    lines = [f"JSON Schema validity, {len(docs)} valid and {len(broken)} broken documents, CPU per run:"]
    truth = [reference.is_valid(d) for d in docs + broken]
    times = _timed({name: (lambda check=check: [check(d) for d in docs + broken]) for name, check in cases.items()},
                   rounds)
    base = times["lpctl fastschema.is_valid"][0]
    for name, check in cases.items():
        answers = [check(d) for d in docs + broken]
        lpctl = name.startswith("lpctl")
        agree = sum(1 for a, b in zip(answers, truth, strict=True) if a is b or (a is None and lpctl))
        deferred = sum(1 for a in answers if a is None)
        note = f"answers equal jsonschema's: {agree}/{len(truth)}"
        note += f" ({deferred} deferred to it)" if deferred else ""
        lines.append(_row(name, times[name], base, note))
    return lines


def _broken(doc: Any) -> list[Any]:
    if not isinstance(doc, dict):
        return []
    out = []
    for change in ({"max_parallelism": -1}, {"labels": {"team": 7}}, {"unknown_key": 1}, {"workflow": None}):
        bad = copy.deepcopy(doc)
        bad.update(change)
        out.append(bad)
    return out


def json_text(files: list[tuple[str, bytes]], rounds: int) -> list[str]:
    """The bundle's entries: lpctl's one pass from the message against json_format.MessageToDict then
    json.dumps (the reference) or orjson."""
    from google.protobuf import json_format

    from lpctl.accel import protojson
    from lpctl.pipeline import Options, run

    root = os.path.dirname(files[0][0])
    while not os.path.exists(os.path.join(root, "lpctl.lock")) and root != "/":
        root = os.path.dirname(root)
    messages = [p.launch_plan for p in run([root], Options(locked=True)).plans]
    pad = "\n      "  # a launch plan's indentation in a bundle

    def one_pass() -> list[str]:
        protojson.forget()  # as a run starts: what it remembers comes from the messages of this run only
        return [protojson.message_text(m, pad) for m in messages]

    def dumps(m: Any) -> str:
        return json.dumps(json_format.MessageToDict(m), indent=2, sort_keys=True, ensure_ascii=False,
                          allow_nan=False).replace("\n", pad)

    cases: dict[str, Callable[[], list[str]]] = {
        "lpctl protojson.message_text (one pass)": one_pass,
        "json_format.MessageToDict, then json.dumps(indent=2, sort_keys)": lambda: [dumps(m) for m in messages],
    }
    with contextlib.suppress(ImportError):
        import orjson

        def orjson_text(m: Any) -> str:
            return orjson.dumps(json_format.MessageToDict(m), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
                                ).decode().replace("\n", pad)

        cases["json_format.MessageToDict, then orjson.dumps(INDENT_2, SORT_KEYS)"] = lambda: [
            orjson_text(m) for m in messages]
    cases["json_format.MessageToDict alone (a dict, no text)"] = lambda: [json_format.MessageToDict(m)
                                                                         for m in messages]
    times = _timed(cases, rounds)
    reference = "".join(dumps(m) for m in messages)
    base = times["lpctl protojson.message_text (one pass)"][0]
    lines = [f"Bundle entry text of {len(messages)} LaunchPlan messages ({len(reference) // 1024} KiB; protobuf's "
             "JSON mapping as canonical JSON: no other library does the mapping), CPU per run:"]
    for name, work in cases.items():
        if "alone" in name:
            lines.append(_row(name, times[name], base, ""))
            continue
        text = "".join(work())
        lines.append(_row(name, times[name], base, "bytes equal json.dumps: " + str(text == reference)
                          + ("" if text == reference else f" (first difference at {_first_diff(text, reference)})")))
    return lines


def _first_diff(a: str, b: str) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"{i}: {a[max(0, i - 30):i + 30]!r} vs {b[max(0, i - 30):i + 30]!r}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("specs", help="a directory of spec files (with an lpctl.lock, for the JSON part)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    # the collector as lpctl runs it (lpctl.cli.app): with Python's defaults, the lists of results kept here
    # start collections whose cost depends on what was kept, not on the code measured
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    files = _files(args.specs)
    print(f"python {sys.version.split()[0]}, {len(files)} spec files under {args.specs}; load average "
          + "/".join(f"{x:.2f}" for x in os.getloadavg()))
    for part in (yaml_parsers, schema_checkers, json_text):
        print()
        for line in part(files, args.rounds):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
