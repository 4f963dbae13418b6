#!/usr/bin/env python3
"""Checks that every target of the package declares exactly the modules its sources import.

A module imported but not declared compiles only because another target happens to bring it in;
a module declared but never imported links (and rebuilds) for nothing. Both are listed per target
and the script exits 1. It reads `swift package dump-package` (no build needed), so it also checks
targets that only exist under some environment (GeoFleetBenchmarks with ENABLE_BENCHMARKS set) when
run in that environment, and skips them otherwise.

Usage: scripts/check-target-deps.py [--package-dir DIR] [--dump FILE]
"""

import argparse
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # nothing to leave in scripts/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from package_manifest import dump_package  # noqa: E402

# Modules of the toolchain and the OS: never declared in Package.swift.
SYSTEM_MODULES = {
    "Android", "CoreFoundation", "Darwin", "Dispatch", "Foundation", "FoundationEssentials",
    "FoundationInternationalization", "FoundationNetworking", "FoundationXML", "Glibc", "Musl",
    "Observation", "RegexBuilder", "Swift", "Synchronization", "Testing", "WinSDK", "XCTest",
    "_Concurrency", "_StringProcessing", "os", "ucrt",
}

# `import X`, `@testable import X`, `internal import X`, `@preconcurrency public import X`,
# `import struct X.Y`, `import X.Submodule`: the module is the first name after `import`.
IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*"
    r"(?:(?:public|package|internal|fileprivate|private)\s+)?"
    r"(?:@\w+(?:\([^)]*\))?\s+)*"
    r"import\s+(?:(?:struct|class|enum|protocol|typealias|func|let|var|actor)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)",
    re.MULTILINE,
)


def declared_modules(target):
    """Names of the target's dependencies; our products are named like their modules."""
    names = set()
    for dependency in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dependency:
                names.add(dependency[kind][0])
    return names


def target_directory(package_dir, target):
    if target.get("path"):
        return os.path.join(package_dir, target["path"])
    parent = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(package_dir, parent, target["name"])


def imported_modules(directory):
    """Every module some Swift file under `directory` imports."""
    modules = set()
    for root, _, files in os.walk(directory):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(root, name), encoding="utf-8") as source:
                    text = re.sub(r"/\*.*?\*/", "", source.read(), flags=re.DOTALL)
                text = re.sub(r"//[^\n]*", "", text)
                modules.update(IMPORT.findall(text))
    return modules - SYSTEM_MODULES


def problems(package, package_dir):
    """(target, imported but undeclared, declared but never imported) for each target that is off."""
    found = []
    for target in package["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        directory = target_directory(package_dir, target)
        if not os.path.isdir(directory):
            found.append((target["name"], {f"<no sources at {directory}>"}, set()))
            continue
        imported = imported_modules(directory) - {target["name"]}
        declared = declared_modules(target)
        if imported != declared:
            found.append((target["name"], imported - declared, declared - imported))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--dump", help="read this `swift package dump-package` output instead of running it")
    args = parser.parse_args()
    package_dir = os.path.abspath(args.package_dir)
    if args.dump:
        with open(args.dump, encoding="utf-8") as dump:
            package = json.load(dump)
    else:
        package = dump_package(package_dir)
    found = problems(package, package_dir)
    for name, undeclared, unused in found:
        print(f"{name}:", file=sys.stderr)
        if undeclared:
            print(f"  imported but not declared: {', '.join(sorted(undeclared))}", file=sys.stderr)
        if unused:
            print(f"  declared but never imported: {', '.join(sorted(unused))}", file=sys.stderr)
    if found:
        print(f"check-target-deps: {len(found)} target(s) declare other modules than they import "
              "(fix the target's dependencies in Package.swift)", file=sys.stderr)
        return 1
    checked = sum(1 for t in package["targets"] if t["type"] not in ("system", "binary", "plugin", "macro"))
    print(f"check-target-deps: {checked} targets declare exactly what they import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
