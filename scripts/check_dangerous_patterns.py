#!/usr/bin/env python3
"""Project rules for patterns that have let data through to HTML, SQL or the ORM elsewhere.

Runs in `make test` beside ruff and bandit, which cover many cases but not these in full:
- `mark_safe(...)` or `SafeString(...)` without a reason on the same line (`# noqa: S308 — why`);
- `|safe` or `{% autoescape off %}` in a template without `{# safe: why #}` on the same line;
- `fields = "__all__"` or `exclude = ...` in a form's or admin's class body (declare fields);
- `**request.GET`, `**request.POST`, `**request.data`... unpacked into an ORM call;
- `csrf_exempt`, anywhere;
- raw SQL built with an f-string, `%`, `.format()` or `+` (`raw`, `extra`, `execute`, `RawSQL`).

Usage: `python scripts/check_dangerous_patterns.py [paths...]` (default: regioagenda). Prints one
line per finding and exits 1 when there is any.
"""

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ORM_METHODS = {
    "filter",
    "exclude",
    "get",
    "create",
    "update",
    "get_or_create",
    "update_or_create",
    "bulk_create",
}
SQL_CALLS = {"raw", "extra", "execute", "executemany", "RawSQL"}
REASONED_SAFE = re.compile(r"#\s*noqa:\s*S308\s*[—:-]+\s*\S.{4,}")
TEMPLATE_SAFE = re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off\s*%}")
TEMPLATE_REASON = re.compile(r"{#\s*safe:\s*\S.{4,}#}")
SKIPPED_PARTS = {"migrations", "tests", "node_modules", ".venv"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _mentions_request(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Name) and sub.id == "request" for sub in ast.walk(node))


def _is_built_string(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def check_python(source: str, filename: str = "<string>") -> Iterator[str]:
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    for node in ast.walk(tree):
        line = lines[node.lineno - 1] if hasattr(node, "lineno") else ""
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            called = _name(node.func)
            if called in {"mark_safe", "SafeString"} and not REASONED_SAFE.search(line):
                yield f"{where}: {called}() zonder reden op de regel (# noqa: S308 — waarom)"
            if called in ORM_METHODS:
                for keyword in node.keywords:
                    if keyword.arg is None and _mentions_request(keyword.value):
                        yield f"{where}: verzoekgegevens uitgepakt in .{called}(**...)"
            if called in SQL_CALLS and node.args and _is_built_string(node.args[0]):
                yield f"{where}: SQL opgebouwd met stringopmaak in {called}(); gebruik parameters"
        if isinstance(node, ast.Name | ast.Attribute) and _name(node) == "csrf_exempt":
            yield f"{where}: csrf_exempt"
        if isinstance(node, ast.alias) and node.name.endswith("csrf_exempt"):
            yield f"{filename}: csrf_exempt geïmporteerd"
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                targets = {_name(target) for target in statement.targets}
                value = statement.value
                if (
                    "fields" in targets
                    and isinstance(value, ast.Constant)
                    and value.value == "__all__"
                ):
                    yield f"{filename}:{statement.lineno}: fields = '__all__'; noem de velden"
                if "exclude" in targets and node.name == "Meta":
                    yield f"{filename}:{statement.lineno}: exclude in Meta; noem de velden"


def check_template(source: str, filename: str = "<string>") -> Iterator[str]:
    for number, line in enumerate(source.splitlines(), start=1):
        if TEMPLATE_SAFE.search(line) and not TEMPLATE_REASON.search(line):
            yield f"{filename}:{number}: |safe of autoescape off zonder {{# safe: waarom #}}"


def check_paths(paths: list[Path]) -> list[str]:
    findings: list[str] = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if SKIPPED_PARTS & set(path.parts) or not path.is_file():
                continue
            if path.suffix == ".py":
                findings += check_python(path.read_text(encoding="utf-8"), str(path))
            elif path.suffix in {".html", ".txt", ".xml", ".ics"} and "templates" in path.parts:
                findings += check_template(path.read_text(encoding="utf-8"), str(path))
    return findings


def main(arguments: list[str]) -> int:
    findings = check_paths([Path(argument) for argument in arguments or ["regioagenda"]])
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
