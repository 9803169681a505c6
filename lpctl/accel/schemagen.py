"""The source of a JSON Schema's yes/no check, as plain Python functions (see :mod:`lpctl.accel.fastschema`).

One function per schema that needs statements (a mapping's properties, a list's items), and an inline
expression for the rest: type tests inlined, ``required`` as ``in`` tests, ``additionalProperties:
false`` as one set comparison, string ``enum``/``const`` as frozenset lookups, each ``pattern`` compiled
once; each ``$ref`` and each large property compiled at its first call (a run of launch plans compiles
no trigger's check). Every keyword with jsonschema's semantics (Draft 2020-12, the ``integer`` type as
lpctl redefines it); a keyword it does not know raises Unsupported.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

#: keywords with no effect on validity
_ANNOTATIONS = {"description", "examples", "title", "$comment", "$schema", "$id", "default", "deprecated",
                "errorMessage", "readOnly", "writeOnly", "$defs", "then", "else"}
#: keywords that need statements (loops, nested lookups); a schema with one is checked by a function
_BLOCKS = {"properties", "items", "additionalProperties", "dependentSchemas"}
_KNOWN = _BLOCKS | {"type", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
                    "exclusiveMaximum", "minItems", "maxItems", "minProperties", "maxProperties", "required",
                    "enum", "const", "not", "anyOf", "oneOf", "allOf", "if", "$ref"}
#: a property whose check is longer (in lines) has its own unit, compiled when a document has the property
_LARGE = 60
#: the Python test of each JSON type, with ``{0}`` for the instance (the checker's ``integer`` is lpctl's)
_TYPES = {"string": "isinstance({0}, str)", "object": "isinstance({0}, dict)", "array": "isinstance({0}, list)",
          "boolean": "isinstance({0}, bool)", "null": "{0} is None",
          "integer": "(isinstance({0}, int) and not isinstance({0}, bool))",
          "number": "(isinstance({0}, (int, float)) and not isinstance({0}, bool) or _number({0}))"}
#: the type each keyword applies to (an instance of another type passes it)
_APPLIES = {"minLength": "string", "maxLength": "string", "pattern": "string", "minItems": "array",
            "maxItems": "array", "items": "array", "minProperties": "object", "maxProperties": "object",
            "required": "object", "properties": "object", "additionalProperties": "object",
            "dependentSchemas": "object", "minimum": "number", "maximum": "number", "exclusiveMinimum": "number",
            "exclusiveMaximum": "number"}
#: how each bound fails, as jsonschema writes the comparison (NaN passes them all, as there)
_FAILS = {"minLength": "len({0}) < {1}", "maxLength": "len({0}) > {1}", "minItems": "len({0}) < {1}",
          "maxItems": "len({0}) > {1}", "minProperties": "len({0}) < {1}", "maxProperties": "len({0}) > {1}",
          "minimum": "{0} < {1}", "maximum": "{0} > {1}", "exclusiveMinimum": "{0} <= {1}",
          "exclusiveMaximum": "{0} >= {1}"}


#: the types a loaded document holds
_PLAIN = (int, float, bool, type(None), list, dict)


class Unsure(Exception):
    """An instance this checker cannot judge exactly (jsonschema decides)."""


class Unsupported(Exception):
    """A schema keyword this checker does not implement."""


def _number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


def _equal(instance: Any, expected: Any) -> bool:
    """jsonschema's equality (``_utils.equal``) where it is plain; Unsure for two lists or two mappings."""
    if instance is expected:
        return True
    if isinstance(expected, str) or isinstance(instance, str):
        return isinstance(instance, str) and isinstance(expected, str) and instance == expected
    if not isinstance(instance, _PLAIN) or not isinstance(expected, _PLAIN):
        raise Unsure()
    if isinstance(instance, (list, dict)) or isinstance(expected, (list, dict)):
        both = (instance, expected)
        if all(isinstance(v, list) for v in both) or all(isinstance(v, dict) for v in both):
            raise Unsure()  # two lists or two mappings: jsonschema compares them item by item
        return False  # a list never equals a mapping or a scalar
    if isinstance(instance, bool) or isinstance(expected, bool):
        return isinstance(instance, bool) and isinstance(expected, bool) and instance == expected
    return bool(instance == expected)


def _one_equal(instance: Any, values: tuple[Any, ...]) -> bool:
    """``enum``: whether ``instance`` equals one of ``values`` as jsonschema compares them."""
    return any(_equal(instance, each) for each in values)


class Compiler:
    """Writes one Python function per schema that needs statements, and expressions for the rest."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.lines: list[str] = []
        self.names: dict[int, str] = {}  # id(schema) -> its function (the schemas stay alive in root)
        self.refs: dict[str, str] = {}  # "$ref" -> the name it is called by
        #: the name each unit is called by -> (its function, the source defining it): compiled at its first call
        self.units: dict[str, tuple[str, list[str]]] = {}
        self.consts: dict[str, Any] = {"_number": _number, "_one_equal": _one_equal}
        self.count = 0

    def build(self) -> Check:
        name = self.function(self.root)
        namespace = dict(self.consts)
        for ref, (function, lines) in self.units.items():
            namespace[ref] = _compiled_when_called(namespace, ref, function, lines)
        _run(self.lines, namespace)
        check: Check = namespace[name]
        return check

    def source(self) -> str:
        name = self.function(self.root)
        return "\n".join([line for _, lines in self.units.values() for line in lines] + self.lines
                         + [f"{ref} = {function}" for ref, (function, _) in self.units.items()]
                         + [f"check = {name}", ""])

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value: Any, prefix: str = "_c") -> str:
        name = self.fresh(prefix)
        self.consts[name] = value
        return name

    def function(self, schema: Any) -> str:
        """The name of a function ``(x) -> bool`` checking ``schema``, written once per schema."""
        if id(schema) in self.names:
            return self.names[id(schema)]
        name = self.names[id(schema)] = self.fresh("_f")
        body = self.block(schema, "x", None)
        self.lines += [f"def {name}(x):", *("    " + line for line in body), "    return True", ""]
        return name

    def ref(self, pointer: Any) -> str:
        """A local reference, ``#/$defs/name`` (a JSON pointer into the root schema)."""
        if not isinstance(pointer, str) or not (pointer == "#" or pointer.startswith("#/")) or "%" in pointer:
            raise Unsupported(f"$ref {pointer!r}")
        target = self.root
        for part in pointer[2:].split("/") if pointer != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise Unsupported(f"$ref {pointer!r}")
            target = target[part]
        if pointer not in self.refs:  # named first: the target may refer to itself
            self.refs[pointer] = name = self.fresh("_u")
            self.unit(target, name)
        return self.refs[pointer]

    def unit(self, schema: Any, name: str = "") -> str:
        """The name a function checking ``schema`` is called by, compiled at its first call: the functions
        of a unit call the other units' only by these names."""
        name = name or self.fresh("_u")
        lines, names = self.lines, self.names
        self.lines, self.names = [], {}
        try:
            self.units[name] = (self.function(schema), self.lines)
        finally:
            self.lines, self.names = lines, names
        return name

    # -- schemas as statements: each ``return False`` when the instance in ``var`` is invalid ----

    def block(self, schema: Any, var: str, known: str | None) -> list[str]:
        """Statements that return False when ``var`` is invalid; ``known``: its JSON type, if sure."""
        if schema is True or schema is False:
            return [] if schema else ["return False"]
        keywords = self.keywords(schema)
        out: list[str] = []
        types = keywords.pop("type", None)
        if types is not None:
            names = types if isinstance(types, list) else [types]
            if known not in names:
                out.append(f"if not {self.type_test(names, var)}: return False")
                known = names[0] if len(names) == 1 and names[0] in ("string", "object", "array") else known
        present: frozenset[str] = frozenset()
        if "required" in keywords:  # first: a required property is then looked up without a test
            required = keywords.pop("required")
            if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
                raise Unsupported(f"required {required!r}")
            out += self.keyword_block("required", required, schema, var, known, present)
            present = frozenset(required)
        for key, value in keywords.items():
            out += self.keyword_block(key, value, schema, var, known, present)
        return out

    def keywords(self, schema: Any) -> dict[str, Any]:
        if not isinstance(schema, dict) or ("$id" in schema and schema is not self.root):
            raise Unsupported(repr(schema))  # (an inner "$id" would move the base of its "$ref"s)
        out = {}
        for key, value in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-"):
                continue
            if key not in _KNOWN or (key == "items" and "prefixItems" in schema):
                raise Unsupported(key)
            out[key] = value
        return out  # "then" and "else" only count under "if", as in jsonschema

    def keyword_block(self, key: str, value: Any, schema: dict[str, Any], var: str, known: str | None,
                      present: frozenset[str]) -> list[str]:
        """One keyword's statements; ``present``: the properties ``var`` has for sure, if a mapping."""
        guard = self.guard(key, var, known)
        if guard is None:
            return []
        if key not in _BLOCKS and key not in ("allOf", "if"):
            fails = self.fails(key, value, var, known)
            if fails in ("True", "False") and not guard:
                return ["return False"] if fails == "True" else []
            return [f"if {_both(guard, fails)}: return False"]
        lines = self.statements(key, value, schema, var, _APPLIES.get(key) or known, present)
        return [f"if {guard}:", *_indent(lines)] if guard and lines else lines

    def statements(self, key: str, value: Any, schema: dict[str, Any], var: str, known: str | None,
                   present: frozenset[str]) -> list[str]:
        """A keyword with subschemas; ``var`` has the type it applies to."""
        lines: list[str] = []
        if key == "properties":
            for name, sub in value.items():
                item = self.fresh("v")
                body = self.block(sub, item, None)
                if len(body) > _LARGE:
                    body = [f"if not {self.unit(sub)}({item}): return False"]
                if body and name in present:
                    lines += [f"{item} = {var}[{name!r}]", *body]
                elif body:
                    lines += [f"if {name!r} in {var}:", f"    {item} = {var}[{name!r}]", *_indent(body)]
        elif key == "items":
            item = self.fresh("v")
            body = self.block(value, item, None)
            lines = [f"for {item} in {var}:", *_indent(body)] if body else []
        elif key == "dependentSchemas":
            for name, sub in value.items():
                body = self.block(sub, var, known)
                lines += [f"if {name!r} in {var}:", *_indent(body)] if body else []
        elif key == "allOf":
            lines = [line for sub in value for line in self.block(sub, var, known)]
        elif key == "additionalProperties":
            lines = self.additional(value, schema, var)
        else:
            lines = self.condition(value, schema, var, known)
        return lines

    def condition(self, test: Any, schema: dict[str, Any], var: str, known: str | None) -> list[str]:
        """``if``/``then``/``else``."""
        then = self.block(schema.get("then", True), var, known)
        otherwise = self.block(schema.get("else", True), var, known)
        if not then and not otherwise:
            return []
        valid = self.valid(test, var, known)
        if not then:
            return [f"if not {valid}:", *_indent(otherwise)]
        return [f"if {valid}:", *_indent(then), *(["else:", *_indent(otherwise)] if otherwise else [])]

    def additional(self, value: Any, schema: dict[str, Any], var: str) -> list[str]:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        named = frozenset(schema.get("properties", {}))
        if value is False:
            return [f"if not {var}.keys() <= {self.const(named, '_k')}: return False"]
        item = self.fresh("v")
        body = self.block(value, item, None)
        if not body:
            return []
        if not named:
            return [f"for {item} in {var}.values():", *_indent(body)]
        key = self.fresh("k")
        return [f"for {key}, {item} in {var}.items():", f"    if {key} not in {self.const(named, '_k')}:",
                *_indent(_indent(body))]

    def guard(self, key: str, var: str, known: str | None) -> str | None:
        """The test limiting a keyword to the type it applies to: "" when ``var`` has that type for sure
        (or the keyword applies to all), None when it has another one for sure (the keyword cannot fail)."""
        applies = _APPLIES.get(key)
        if applies is None or applies == known:
            return ""
        if known is not None:  # known is one of string, object, array
            return None
        return self.type_test([applies], var)

    # -- schemas as expressions ---------------------------------------------------------------

    def valid(self, schema: Any, var: str, known: str | None = None) -> str:
        """An expression true when ``var`` is valid: inline for keywords without statements."""
        if schema is True or schema is False:
            return str(schema)
        keywords = self.keywords(schema)
        if not keywords:
            return "True"
        if keywords.keys() & _BLOCKS or "if" in keywords or "allOf" in keywords:
            return f"{self.function(schema)}({var})"
        tests = []
        for key, value in keywords.items():
            guard = self.guard(key, var, known)
            fails = "False" if guard is None else self.fails(key, value, var, known)
            if fails != "False":
                tests.append(f"not ({_both(guard, fails)})")
        return "(" + " and ".join(tests) + ")" if tests else "True"

    def type_test(self, names: list[Any], var: str) -> str:
        for name in names:
            if not isinstance(name, str) or name not in _TYPES:
                raise Unsupported(f"type {name!r}")
        return "(" + (" or ".join(_TYPES[name].format(var) for name in names) or "False") + ")"

    def fails(self, key: str, value: Any, var: str, known: str | None) -> str:
        """An expression true when ``var`` fails the keyword (its type guard is the caller's)."""
        if key in _FAILS:
            exact = isinstance(value, int) and not isinstance(value, bool)  # else inf, nan, 1.5 by name
            return _FAILS[key].format(var, repr(value) if exact else self.const(value, "_b"))
        if key == "type":
            names = value if isinstance(value, list) else [value]
            return "False" if known in names else f"not {self.type_test(names, var)}"
        if key == "pattern":
            return f"{self.const(re.compile(value).search, '_p')}({var}) is None"
        if key == "required":
            return " or ".join(f"{name!r} not in {var}" for name in value) or "False"
        if key in ("enum", "const"):
            return self.no_equal(value if key == "enum" else [value], var)
        if key == "not":
            return self.valid(value, var, known)
        if key == "anyOf":
            return "not (" + (" or ".join(self.valid(sub, var, known) for sub in value) or "False") + ")"
        if key == "oneOf":
            return "(" + (" + ".join(self.valid(sub, var, known) for sub in value) or "0") + ") != 1"
        if key == "$ref":
            return f"not {self.ref(value)}({var})"
        raise Unsupported(key)  # pragma: no cover - every keyword of _KNOWN is handled above

    def no_equal(self, values: list[Any], var: str) -> str:
        """``enum``: a str instance looked up in a frozenset; anything else compared as jsonschema does."""
        every = self.const(tuple(values), "_e")
        strings = [v for v in values if isinstance(v, str)]
        if len(strings) < len(values):
            return f"not _one_equal({var}, {every})"
        lookup = f"{var} == {strings[0]!r}" if len(strings) == 1 else f"{var} in {self.const(frozenset(strings), '_s')}"
        return f"not ({lookup} if {var}.__class__ is str else _one_equal({var}, {every}))"


def _run(lines: list[str], namespace: dict[str, Any]) -> None:
    exec(compile("\n".join(lines), "<lpctl schema check>", "exec"), namespace)


def _compiled_when_called(namespace: dict[str, Any], ref: str, function: str, lines: list[str]) -> Check:
    """The function of a unit, compiled at its first call. The call sites look it up by name, so the compiled
    function then replaces this one."""
    def first_call(instance: Any) -> bool:
        _run(lines, namespace)
        namespace[ref] = check = namespace[function]
        return bool(check(instance))
    return first_call


def _both(guard: str | None, test: str) -> str:
    return f"{guard} and ({test})" if guard else test


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]
