"""Build the link tree mypy checks: ``<out>/ckg/...`` mirrors pyproject's package-dir mapping.

mypy finds modules by file path and cannot follow setuptools' ``package-dir``, so ``make lint``
points it at symlinks laid out as the installed package is (``ckg/graph`` -> ``graph/``, ...).
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

root = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1]).resolve()
mapping: dict[str, str] = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
shutil.rmtree(out, ignore_errors=True)
for package, folder in sorted(mapping.items()):
    target = out.joinpath(*package.split("."))
    target.mkdir(parents=True, exist_ok=True)
    for entry in (root / folder).iterdir():
        if entry.suffix == ".py" or (entry.is_dir() and (entry / "__init__.py").exists()):
            link = target / entry.name
            if not link.exists():
                link.symlink_to(entry)
print(out)
