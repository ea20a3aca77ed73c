"""The features depend one way (setup.cfg's import-linter contracts), no module imports
another that imports it back, and no import hides inside a function."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
# Imported where they are used, on purpose: WeasyPrint and pyHanko take about a second each
# to import and are needed only when a PDF is made or signed.
# Imported where used: the PDF makers, and boto3 (24 MiB) only where files live in S3, and
# scipy.signal (with scipy.stats, about 90 MiB of every process) only to resample a voice clip.
LAZY_THIRD_PARTY = {"weasyprint", "pyhanko", "boto3", "botocore", "scipy"}


def test_the_import_contracts_hold():
    """Layers: api | admin | ops > dashboard | evidence > escalation | histograms > survey
    > voice > directory > cycles > auth > errors; the shared modules know no feature;
    analysis/ knows no web code."""
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache",
                           "setup.cfg"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, without recursion)."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], [0]
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(
                        child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph("rating", "analysis")
    # A package's __init__ may import its own modules (rating's create_app does); a cycle
    # between two modules is what this looks for.
    for package in ("rating", "analysis"):
        for module in list(graph.find_modules_directly_imported_by(package)):
            graph.remove_import(importer=package, imported=module)
    assert _cycles(graph) == []


def test_no_import_hides_inside_a_function():
    hidden = []
    for folder in ("rating", "analysis"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Import):
                        names = [alias.name for alias in node.names]
                    elif isinstance(node, ast.ImportFrom):
                        names = [node.module or ""]
                    else:
                        continue
                    names = [n for n in names if n.split(".")[0] not in LAZY_THIRD_PARTY]
                    hidden += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names]
    assert hidden == []
