"""Generates src/dap_server/protocol/models.py from the DAP JSON schema.

    python scripts/gen_models.py            # (re)write the models
    python scripts/gen_models.py --check    # exit 1 if the checked-in file is stale

The schema is Microsoft's debugProtocol.json as shipped inside the installed debugpy package
(never fetched from the web). Only structure is taken from it: names, types, required-ness.
Its descriptions are deliberately not copied into the repository.

The output is deterministic (sorted, no timestamps) so a test can regenerate and compare.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import keyword
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "src" / "dap_server" / "protocol" / "models.py"
SCHEMA_IN_DEBUGPY = "_vendored/pydevd/_pydevd_bundle/_debug_adapter/debugProtocol.json"

# Names pydantic's BaseModel uses itself: a wire field with one of these names needs an alias.
_BASEMODEL_NAMES = {
    "copy", "dict", "json", "schema", "construct", "validate", "fields", "model_config",
    "model_fields", "model_extra", "model_dump", "model_validate", "model_copy",
}  # fmt: skip
_ANY_TYPES = {"array", "boolean", "integer", "null", "number", "object", "string"}
_SCALARS = {"boolean": "bool", "integer": "int", "number": "float", "string": "str", "null": "None"}
_LINE = 100


def find_schema() -> Path:
    spec = importlib.util.find_spec("debugpy")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("debugpy is not installed; it ships the DAP schema (pip install debugpy)")
    path = Path(next(iter(spec.submodule_search_locations))) / SCHEMA_IN_DEBUGPY
    if not path.is_file():
        raise SystemExit(f"debugProtocol.json not found at {path}")
    return path


@dataclass
class Field:
    wire: str
    py: str
    type: str
    required: bool
    default: str | None  # a Python literal for required fields that have a fixed value


@dataclass
class Model:
    name: str
    base: str
    fields: list[Field] = field(default_factory=list)


@dataclass
class Generator:
    defs: dict[str, Any]
    models: dict[str, Model] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # model -> its schema
    aliases: dict[str, str] = field(default_factory=dict)  # enum-only definitions
    requests: dict[str, str] = field(default_factory=dict)  # command -> XRequest
    responses: dict[str, str] = field(default_factory=dict)  # command -> XResponse
    events: dict[str, str] = field(default_factory=dict)  # event -> XEvent
    arguments: dict[str, str] = field(default_factory=dict)  # command -> args model
    response_bodies: dict[str, str] = field(default_factory=dict)
    event_bodies: dict[str, str] = field(default_factory=dict)

    def run(self) -> None:
        for name in sorted(self.defs):
            schema = self.defs[name]
            if "allOf" not in schema and schema.get("type") == "string":
                self.aliases[name] = self.type_of(schema, name, "")
        for name in sorted(self.defs):
            if name not in self.aliases:
                self.define(name, self.defs[name])
        self.link_registries()

    # -- types --------------------------------------------------------------------------------

    def type_of(self, schema: dict[str, Any], owner: str, prop: str) -> str:
        if "$ref" in schema:
            return str(schema["$ref"]).rsplit("/", 1)[-1]
        if "oneOf" in schema:
            return " | ".join(self.type_of(s, owner, prop) for s in schema["oneOf"])
        kind = schema.get("type")
        if isinstance(kind, list):
            if set(kind) >= _ANY_TYPES:
                return "Any"
            return " | ".join(self.type_of({**schema, "type": k}, owner, prop) for k in kind)
        if kind == "string" and "enum" in schema:
            # A closed enum; `_enum` (an open set of suggested values) stays a plain str.
            return "Literal[" + ", ".join(json.dumps(v) for v in schema["enum"]) + "]"
        if kind == "array":
            items = schema.get("items")
            return f"list[{self.type_of(items, owner, prop) if items else 'Any'}]"
        if kind == "object":
            if "properties" in schema:
                nested = owner + prop[:1].upper() + prop[1:]
                if self.sources.get(nested) is not schema:  # registries revisit bodies
                    self.define_object(nested, "DapModel", schema)
                return nested
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return f"dict[str, {self.type_of(extra, owner, prop)}]"
            return "dict[str, Any]"
        if kind in _SCALARS:
            return _SCALARS[kind]
        return "Any"

    def define(self, name: str, schema: dict[str, Any]) -> None:
        if "allOf" in schema:
            base_ref, part = schema["allOf"]
            self.define_object(name, self.type_of(base_ref, name, ""), part)
        else:
            self.define_object(name, "DapModel", schema)

    def define_object(self, name: str, base: str, schema: dict[str, Any]) -> None:
        if name in self.models:
            raise SystemExit(f"generated class name clash: {name}")
        model = Model(name, base)
        self.models[name] = model
        self.sources[name] = schema
        required = set(schema.get("required", ()))
        taken = set(schema.get("properties", {}))
        for wire, prop in schema.get("properties", {}).items():
            py = wire
            if keyword.iskeyword(wire) or wire.startswith("_") or wire in _BASEMODEL_NAMES:
                py = wire.strip("_") + "_"
                while py in taken:
                    py += "_"
                taken.add(py)
            type_ = self.type_of(prop, name, wire)
            default = None
            enum = prop.get("enum")
            if wire in required and isinstance(enum, list) and len(enum) == 1:
                # Fixed discriminators (`type`, `command`, `event`) default to their value, so
                # outbound messages need not repeat them.
                default = json.dumps(enum[0])
            model.fields.append(Field(wire, py, type_, wire in required, default))

    # -- registries ---------------------------------------------------------------------------

    def link_registries(self) -> None:
        for name, schema in sorted(self.defs.items()):
            if "allOf" not in schema:
                continue
            props = schema["allOf"][1].get("properties", {})
            if name.endswith("Request") and "enum" in props.get("command", {}):
                command = props["command"]["enum"][0]
                self.requests[command] = name
                args = props.get("arguments")
                self.arguments[command] = (
                    self.type_of(args, name, "arguments") if args else "EmptyArguments"
                )
            elif name.endswith("Event") and "enum" in props.get("event", {}):
                event = props["event"]["enum"][0]
                self.events[event] = name
                if "body" in props:
                    self.event_bodies[event] = self.type_of(props["body"], name, "body")
        by_stem = {name.removesuffix("Request"): command for command, name in self.requests.items()}
        for name, schema in sorted(self.defs.items()):
            stem = name.removesuffix("Response")
            if name.endswith("Response") and stem in by_stem:
                command = by_stem[stem]
                self.responses[command] = name
                props = schema["allOf"][1].get("properties", {})
                if "body" in props:
                    self.response_bodies[command] = self.type_of(props["body"], name, "body")

    # -- output -------------------------------------------------------------------------------

    def render(self, schema_name: str) -> str:
        out: list[str] = [
            f"# Generated from debugpy's {schema_name} by scripts/gen_models.py; do not edit.",
            "# Regenerate with: python scripts/gen_models.py",
            "",
            "from __future__ import annotations",
            "",
            "from typing import Any, Literal",
            "",
            "from pydantic import BaseModel, ConfigDict, Field",
            "",
            "",
            "class DapModel(BaseModel):",
            "    # Unknown fields are kept (clients and adapters add their own). Schemas are built",
            "    # on first use: building all of them up front costs the adapter's start-up.",
            '    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)',
            "",
            "",
            "class EmptyArguments(DapModel):",
            "    pass",
            "",
            "",
        ]
        for name, value in sorted(self.aliases.items()):
            out.append(_wrap(f"{name} = {value}"))
        out += ["", ""]
        for name in self.ordered():
            model = self.models[name]
            out.append(f"class {name}({model.base}):")
            if not model.fields:
                out.append("    pass")
            for f in model.fields:
                out.append(_wrap(f"    {f.py}: {self.field_decl(f)}"))
            out += ["", ""]
        out += self.render_registry("REQUESTS", "type[Request]", self.requests)
        out += self.render_registry("REQUEST_ARGUMENTS", "type[BaseModel]", self.arguments)
        out += self.render_registry("RESPONSES", "type[Response]", self.responses)
        out += self.render_registry("RESPONSE_BODIES", "type[BaseModel]", self.response_bodies)
        out += self.render_registry("EVENTS", "type[Event]", self.events)
        out += self.render_registry("EVENT_BODIES", "type[BaseModel]", self.event_bodies)
        out += [
            "",
            "def dump(model: BaseModel) -> dict[str, Any]:",
            "    # Wire names, JSON types, and no null placeholders for fields never set.",
            '    return model.model_dump(mode="json", by_alias=True, exclude_none=True)',
        ]
        return "\n".join(out) + "\n"

    def field_decl(self, f: Field) -> str:
        type_ = f.type
        if f.py != f.wire:
            default = "None" if not f.required else (f.default or "...")
            if not f.required:
                type_ = type_ if type_ == "Any" else f"{type_} | None"
            return f"{type_} = Field(default={default}, alias={json.dumps(f.wire)})"
        if f.default is not None:
            return f"{type_} = {f.default}"
        if f.required:
            return type_
        if type_ == "Any":
            return "Any = None"
        return f"{type_} | None = None"

    def ordered(self) -> list[str]:
        """Bases before subclasses (Python needs them defined); otherwise sorted by name."""
        done: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            base = self.models[name].base
            if base in self.models:
                visit(base)
            done.append(name)

        for name in sorted(self.models):
            visit(name)
        return done

    @staticmethod
    def render_registry(name: str, value_type: str, items: dict[str, str]) -> list[str]:
        lines = [f"{name}: dict[str, {value_type}] = {{"]
        lines += [f"    {json.dumps(key)}: {value}," for key, value in sorted(items.items())]
        return [*lines, "}", ""]


def _wrap(line: str) -> str:
    """Keeps the output stable under `ruff format` (a test regenerates and compares)."""
    if len(line) <= _LINE:
        return line
    head, sep, rest = line.partition(" = Literal[")
    if sep and not line.startswith(" ") and rest.endswith("]"):
        # A module-level alias: one value per line, as ruff format lays it out.
        values = "".join(f"    {v.strip()},\n" for v in rest[:-1].split(","))
        return f"{head} = Literal[\n{values}]"
    return line + "  # fmt: skip"


def generate(schema_path: Path) -> str:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    gen = Generator(schema["definitions"])
    gen.run()
    return gen.render(schema_path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--schema", type=Path, help="debugProtocol.json (default: debugpy's)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    ns = parser.parse_args(argv)
    text = generate(ns.schema or find_schema())
    if ns.check:
        current = ns.output.read_text(encoding="utf-8") if ns.output.exists() else ""
        if current != text:
            print(f"{ns.output} is stale: run python scripts/gen_models.py", file=sys.stderr)
            return 1
        return 0
    ns.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
