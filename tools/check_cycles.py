"""Fail when any two modules of a package import each other, directly or round a loop.

import-linter's ``acyclic_siblings`` contract (pyproject.toml) compares subpackages, so it
misses a loop through a package's own ``__init__`` (``store/__init__`` imports ``store.store``,
which imports ``tracker_tui.store`` back) and names only the imports that would break a loop.
This check works on single modules and prints each loop in full, as a chain of imports.
It builds the graph with grimp, import-linter's own graph library. Imports under
``TYPE_CHECKING`` and inside functions count: either is still a module that needs the other.

Usage: ``python tools/check_cycles.py [PACKAGE]`` (default ``tracker_tui``); exit code 1 and
one block per loop when there is any, 0 and one line when there is none.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Mapping, Set

import grimp

Graph = Mapping[str, Set[str]]


def import_graph(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` and the modules of ``package`` that it imports."""
    graph = grimp.build_graph(package, cache_dir=None)
    return {
        module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules
    }


def strongly_connected(graph: Graph) -> list[list[str]]:
    """The groups of modules that can each reach the others (Tarjan), largest first.

    A group of one is kept only when the module imports itself.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        # Recursion is fine: the depth is bounded by the package's module count.
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in graph:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(groups, key=lambda group: (-len(group), group))


def shortest_loop(graph: Graph, group: list[str]) -> list[str]:
    """A shortest chain of imports from the group's first module back to itself."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(graph[module] & members):
            if imported == start:
                chain = [module]
                while chain[-1] != start:
                    chain.append(came_from[chain[-1]])
                return [start, *reversed(chain[:-1]), start]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    raise AssertionError(f"{start} is in a loop but no chain leads back to it")


def report(graph: Graph) -> list[str]:
    """One paragraph per loop: its modules with their imports inside it, and one loop."""
    paragraphs = []
    for group in strongly_connected(graph):
        members = set(group)
        arrows = "\n".join(
            f"  {module} -> {', '.join(sorted(graph[module] & members))}" for module in group
        )
        loop = " -> ".join(shortest_loop(graph, group))
        paragraphs.append(f"{len(group)} modules import each other:\n{arrows}\n  e.g. {loop}")
    return paragraphs


def main(argv: list[str]) -> int:
    package = argv[1] if len(argv) > 1 else "tracker_tui"
    graph = import_graph(package)
    paragraphs = report(graph)
    if not paragraphs:
        print(f"no import cycles in {package} ({len(graph)} modules)")
        return 0
    print(f"{len(paragraphs)} import cycle(s) in {package}:\n")
    print("\n\n".join(paragraphs))
    print("\nDependencies point one way (docs/architecture.md): move the shared name down to a")
    print("module both can import, or pass the value in, instead of importing back up.")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
