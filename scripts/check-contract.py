#!/usr/bin/env python3
"""Fails when docs/contract.md and schemas/openapi.yaml disagree.

Checked: the two list the same operations (method and path), every top-level field the contract
names in an answer (`{a, b:…, c?}` in the "answer" column) is a property of that operation's success
response in the OpenAPI document, and every operation that takes a body documents the 413 the
server's body cap answers with (schemathesis fails on an undocumented status). Needs PyYAML (Debian's python3-yaml).
"""
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "contract.md"
OPENAPI = ROOT / "schemas" / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch")


def contract_rows():
    """(method, path) → answer text, from the table rows whose first cell is `METHOD /path`."""
    rows = {}
    for line in CONTRACT.read_text().splitlines():
        match = re.match(r"^\| `(GET|PUT|POST|DELETE|PATCH) (/\S*)` \|(.*)\|(.*)\|\s*$", line)
        if match:
            rows[(match.group(1), match.group(2))] = match.group(4)
    return rows


def top_level_fields(answer):
    """The names at the top level of the first `{…}` in an answer cell."""
    start = answer.find("`{")
    if start < 0:
        return []
    depth, names, current = 0, [], ""
    for char in answer[start + 1:]:
        if char in "{[":
            depth += 1
            if depth == 1:
                continue
        elif char in "}]":
            depth -= 1
            if depth == 0:
                names.append(current)
                break
        if depth == 1:
            if char == ",":
                names.append(current)
                current = ""
            else:
                current += char
    fields = []
    for name in names:
        name = re.split(r"[:\s?]", name.strip())[0]
        if name and name != "…" and re.match(r"^[A-Za-z_]+$", name):
            fields.append(name)
    return fields


def response_properties(document, operation):
    """Property names of every 2xx JSON response schema (following $ref and oneOf)."""
    def resolve(schema):
        while isinstance(schema, dict) and "$ref" in schema:
            target = document
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target[part]
            schema = target
        return schema or {}

    names = set()
    for code, response in operation.get("responses", {}).items():
        if not str(code).startswith("2"):
            continue
        response = resolve(response)
        for media in response.get("content", {}).values():
            pending = [resolve(media.get("schema"))]
            while pending:
                schema = pending.pop()
                names.update(schema.get("properties", {}).keys())
                pending.extend(resolve(s) for s in schema.get("oneOf", []) + schema.get("allOf", []))
    return names


def main():
    document = yaml.safe_load(OPENAPI.read_text())
    operations = {}
    for path, items in document.get("paths", {}).items():
        for method, operation in items.items():
            if method in METHODS:
                operations[(method.upper(), path)] = operation
    rows = contract_rows()
    problems = []
    for key in sorted(set(operations) - set(rows)):
        problems.append(f"{key[0]} {key[1]}: in schemas/openapi.yaml, missing from docs/contract.md")
    for key in sorted(set(rows) - set(operations)):
        problems.append(f"{key[0]} {key[1]}: in docs/contract.md, missing from schemas/openapi.yaml")
    for key, operation in sorted(operations.items()):
        if "requestBody" in operation and "413" not in {str(code) for code in operation.get("responses", {})}:
            problems.append(f"{key[0]} {key[1]}: takes a body but does not document 413 (body cap)")
    for key, answer in sorted(rows.items()):
        if key not in operations:
            continue
        known = response_properties(document, operations[key])
        if not known:
            continue
        for field in top_level_fields(answer):
            if field not in known:
                problems.append(f"{key[0]} {key[1]}: the contract's answer names `{field}`, the OpenAPI response has no such property")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"docs/contract.md and schemas/openapi.yaml agree on {len(rows)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
