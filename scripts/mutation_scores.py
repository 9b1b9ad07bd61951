"""Per-module mutation scores from mutmut's working files (``make mutation`` prints them).

    python scripts/mutation_scores.py bpo.catalog.hours scheduling.engine.erlang

reads ``mutants/<path>.meta`` of each named module (a dotted module, or a package whose
modules are all counted together) and prints killed / total, the percentage, and every
mutant that is not killed. A timeout counts as killed: the mutant made the tests hang, so
they did not pass. Mutants not checked yet (another module's run) are left out of the total.

    python scripts/mutation_scores.py --prepare

runs before mutmut: it removes the plain copies mutmut made of files it did not mutate then
and mutates now (a module added to ``only_mutate`` after a first run). mutmut 3.8 takes a
copy newer than its source for an up-to-date mutated file and would never mutate it; and its
test map (``mutmut-stats.json``) would not know the new mutants' functions, so it goes too.
"""

from __future__ import annotations

import json
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

CAUGHT = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
CAUGHT[255] = "timeout"
NAMES = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious"}


def meta_files(module: str, root: Path) -> list[Path]:
    path = root / Path(*module.split("."))
    if path.is_dir():
        return sorted(path.glob("*.py.meta"))
    meta = path.with_suffix(".py.meta")
    return [meta] if meta.exists() else []


def score(module: str, root: Path) -> tuple[int, int, list[str]]:
    killed, total, not_killed = 0, 0, []
    for meta in meta_files(module, root):
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        for name, exit_code in sorted(exit_codes.items()):
            if exit_code is None:
                continue
            total += 1
            if exit_code in CAUGHT:
                killed += 1
            else:
                not_killed.append(f"{name}: {NAMES.get(exit_code, f'exit code {exit_code}')}")
    return killed, total, not_killed


def forget_unmutated_copies(root: Path) -> list[Path]:
    """Remove mutmut's plain copies of files that ``only_mutate`` now names (see above)."""
    patterns = tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
    removed = []
    for copy in sorted(root.rglob("*.py")):
        source = copy.relative_to(root)
        wanted = any(fnmatch(str(source), pattern) for pattern in patterns)
        if wanted and not copy.with_suffix(".py.meta").exists():
            copy.unlink()
            removed.append(source)
    return removed


def main(modules: list[str]) -> int:
    root = Path("mutants")
    if modules == ["--prepare"]:
        removed = forget_unmutated_copies(root) if root.exists() else []
        for source in removed:
            print(f"mutmut will mutate {source} (it had only copied it)")
        if removed:
            # Its map of which test touches which function predates those mutants: without a
            # fresh one their mutants would have "no tests".
            (root / "mutmut-stats.json").unlink(missing_ok=True)
        return 0
    for module in modules:
        killed, total, not_killed = score(module, root)
        if not total:
            print(f"{module}: not run yet")
            continue
        print(f"{module}: {killed} / {total} killed, {100 * killed / total:.1f} %")
        for line in not_killed:
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
