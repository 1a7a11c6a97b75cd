"""The house's one-way doors: one namespace, no import cycles, layers that point one way.

Read from the source with :mod:`ast`, so every import counts — at module level, inside
functions, and under ``if TYPE_CHECKING:`` (a type-only import is still a dependency a reader
has to follow).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# where each part of the namespace lives in the repository
FOLDERS = {
    "anjian": ROOT / "anjian",
    "anjian.sim": ROOT / "sim",
    "anjian.optimize": ROOT / "optimize",
    "anjian.scenarios": ROOT / "scenarios",
}


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("").parts
            if rel[-1] == "__init__":
                rel = rel[:-1]
            out[".".join((pkg, *rel))] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module (or package) a dotted name imports, if it is one of ours."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from pkg import name` imports the submodule pkg.name when there is one, else
            # takes the name from pkg itself (a parent package's __init__ run on the way to a
            # submodule is not counted: that is how packages work, not a dependency)
            subs = [f"{prefix}.{a.name}" for a in node.names]
            names = [n if n in MODULES else prefix for n in subs]
        else:
            continue
        for n in names:
            target = _resolve(n)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_the_package() -> None:
    assert "anjian.sim.inspection" in GRAPH
    assert "anjian.scenarios.scenario" in GRAPH["anjian.sim.inspection"]
    assert "anjian.optimize.plan" in GRAPH["anjian.optimize.check"]


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _layer(module: str) -> str:
    for layer in ("anjian.scenarios", "anjian.sim", "anjian.optimize", "anjian.ui"):
        if module == layer or module.startswith(layer + "."):
            return layer
    return "anjian"  # the facade: API, CLI, sweeps, run store


# what each layer may import besides itself (sim → scenarios; optimize → scenarios and the
# hypercube; the facade → everything below; pages → the facade only)
ALLOWED = {
    "anjian.scenarios": set(),
    "anjian.sim": {"anjian.scenarios"},
    "anjian.optimize": {"anjian.scenarios", "anjian.sim.hypercube"},
    "anjian": {"anjian.scenarios", "anjian.sim", "anjian.optimize"},
    "anjian.ui": {"anjian"},
}


def _allowed(src: str, dst: str) -> bool:
    a, b = _layer(src), _layer(dst)
    if a == b:
        return True
    return any(dst == ok or _layer(dst) == ok for ok in ALLOWED[a])


def test_dependencies_point_one_way() -> None:
    bad = sorted(
        f"{src} -> {dst}" for src, dsts in GRAPH.items() for dst in dsts if not _allowed(src, dst)
    )
    assert bad == []


def test_a_users_sim_py_does_not_break_anjian(tmp_path: Path) -> None:
    for name in ("sim", "optimize", "scenarios"):
        (tmp_path / f"{name}.py").write_text("raise ImportError('the user module')\n")
    code = (
        "import anjian\n"
        "s = anjian.load_scenario('toy')\n"
        "assert callable(anjian.simulate_inspections) and callable(anjian.optimize_vehicles)\n"
        "import sim\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    # everything of anjian worked; only the last line reached the user's own sim.py
    assert "the user module" in out.stderr, out.stderr
    assert out.stderr.count("Traceback") == 1


@pytest.mark.parametrize("name", ["sim", "optimize", "scenarios"])
def test_only_anjian_is_installed_at_the_top(tmp_path: Path, name: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", f"import {name}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode != 0
    assert f"No module named '{name}'" in out.stderr


def test_distribution_declares_one_top_level_package() -> None:
    from importlib.metadata import packages_distributions

    tops = {top for top, dists in packages_distributions().items() if "anjian" in dists}
    assert tops == {"anjian"}
