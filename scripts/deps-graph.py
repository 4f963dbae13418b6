#!/usr/bin/env python3
"""Draws the package's own targets and their dependencies as a Mermaid graph.

Reads `swift package dump-package` (no build needed). Test targets are left out; an arrow goes from a
target to a target it depends on, and is drawn only where no longer path already joins the two (the
transitive reduction), so the picture shows layers rather than every declared edge.

  scripts/deps-graph.py                        print the graph of the current package
  scripts/deps-graph.py --write                replace the "after" graph in docs/dependencies.md
  scripts/deps-graph.py --check                fail if that graph is not what the package gives now
  scripts/deps-graph.py --package-dir DIR --section before --write
                                               replace the "before" graph with the package in DIR
  --external                                   also draw external packages, one node per package
"""

import argparse
import difflib
import os
import sys

sys.dont_write_bytecode = True  # nothing to leave in scripts/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from package_manifest import dump_package  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DOC = os.path.join(REPO, "docs", "dependencies.md")


def dependency_graph(package, external):
    """Nodes in manifest order, and each node's direct dependencies (own targets, optionally external packages)."""
    targets = [t for t in package["targets"] if t["type"] not in ("test", "plugin")]
    own = {t["name"] for t in targets}
    nodes = [t["name"] for t in targets]
    edges = {}
    for target in targets:
        out = []
        for dependency in target.get("dependencies", []):
            if "product" in dependency:
                name = dependency["product"][1] if external else None
            else:
                name = (dependency.get("byName") or dependency.get("target"))[0]
                if name not in own:
                    name = None  # a product named by its bare name: external
            if name and name not in out:
                out.append(name)
                if name not in nodes:
                    nodes.append(name)
        edges[target["name"]] = out
    return nodes, edges


def transitive_reduction(nodes, edges):
    def reachable(start, skip):
        seen, stack = set(), [n for n in edges.get(start, []) if n != skip]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, []))
        return seen

    return {
        node: [d for d in edges.get(node, []) if d not in reachable(node, skip=d)]
        for node in nodes
    }


def label(name):
    return name[len("GeoFleet"):] if name.startswith("GeoFleet") and len(name) > len("GeoFleet") else name


def mermaid(package, external=False):
    nodes, edges = dependency_graph(package, external)
    kinds = {t["name"]: t["type"] for t in package["targets"]}
    reduced = transitive_reduction(nodes, edges)
    ident = {n: n.replace("-", "_") for n in nodes}
    lines = ["```mermaid", "graph TD"]
    for node in nodes:
        shape = f'{ident[node]}["{label(node)}"]'
        if kinds.get(node) == "executable":
            shape = f'{ident[node]}(["{node}"])'
        elif kinds.get(node) == "system":
            shape = f'{ident[node]}[("{node}")]'
        elif node not in kinds:
            shape = f'{ident[node]}{{{{"{node}"}}}}'
        lines.append(f"    {shape}")
    for node in nodes:
        for dependency in reduced[node]:
            lines.append(f"    {ident[node]} --> {ident[dependency]}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def markers(section):
    return f"<!-- deps-graph:{section}:begin -->\n", f"<!-- deps-graph:{section}:end -->"


def split_doc(text, section):
    begin, end = markers(section)
    start = text.find(begin)
    stop = text.find(end)
    if start < 0 or stop < start:
        raise SystemExit(f"deps-graph: {DOC} has no {section!r} section ({begin.strip()} … {end})")
    return text[: start + len(begin)], text[start + len(begin): stop], text[stop:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package-dir", default=REPO)
    parser.add_argument("--section", default="after", choices=["before", "after"])
    parser.add_argument("--external", action="store_true", help="draw external packages too")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help=f"replace the section in {os.path.relpath(DOC, REPO)}")
    action.add_argument("--check", action="store_true", help="fail if the section differs from the package")
    args = parser.parse_args()

    # Optional targets (benchmarks) stay out, so that the graph does not depend on the shell.
    package = dump_package(os.path.abspath(args.package_dir), without_env={"ENABLE_BENCHMARKS"})
    graph = mermaid(package, external=args.external)
    if not (args.write or args.check):
        sys.stdout.write(graph)
        return 0
    with open(DOC, encoding="utf-8") as doc:
        text = doc.read()
    head, current, tail = split_doc(text, args.section)
    if args.write:
        with open(DOC, "w", encoding="utf-8") as doc:
            doc.write(head + graph + tail)
        return 0
    if current != graph:
        sys.stderr.writelines(difflib.unified_diff(
            current.splitlines(True), graph.splitlines(True), f"{args.section} in docs/dependencies.md", "Package.swift"))
        print("deps-graph: docs/dependencies.md is out of date: run scripts/deps-graph.py --write", file=sys.stderr)
        return 1
    print(f"deps-graph: the {args.section} graph in docs/dependencies.md matches Package.swift")
    return 0


if __name__ == "__main__":
    sys.exit(main())
