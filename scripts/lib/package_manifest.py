"""The package manifest as `swift package dump-package` gives it, for the scripts that check the target graph."""

import json
import os
import subprocess
import tempfile


def dump_package(package_dir, without_env=()):
    """The manifest of the package in `package_dir` as JSON, evaluated without the variables in `without_env`.

    It runs with a scratch path of its own: a build in progress holds the lock of `.build`, and
    evaluating the manifest needs nothing from it.
    """
    env = {k: v for k, v in os.environ.items() if k not in without_env}
    with tempfile.TemporaryDirectory(prefix="dump-package.") as scratch:
        output = subprocess.run(
            ["swift", "package", "--package-path", package_dir, "--scratch-path", scratch, "dump-package"],
            check=True, capture_output=True, text=True, env=env,
        ).stdout
    return json.loads(output)
