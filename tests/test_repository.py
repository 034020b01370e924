"""The repository's own contracts: pins in sync, notebooks clean and well formed, CI runs the README's command."""

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)")


def _pins(requirements):
    pins = {}
    for req in requirements:
        match = PIN.match(req)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_environment_yml_pins_equal_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pyproject_reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    unpinned = [r for r in pyproject_reqs if "==" not in r]
    assert not unpinned, f"pyproject.toml has unpinned requirements: {unpinned}"

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip section"
    conda_python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert conda_python == ["python=3.11"], conda_python
    assert project["requires-python"].startswith(">=3.11")

    assert _pins(pip_sections[0]) == _pins(pyproject_reqs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_structure(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), "notebooks are named NN_snake_case.ipynb"
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^#\s+\S", markdown, re.M), "a chapter starts with a title"
    assert re.search(r"learning goals", markdown, re.I), "every chapter states its learning goals"
    if not path.name.startswith(("00_", "13_")):
        assert re.search(r"^#+\s*Exercises", markdown, re.M | re.I), "every teaching chapter ends with exercises"
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "librosa.ex(" not in code, "librosa.ex() downloads example audio; the course works offline"
    assert "import musiclib" in code or "from musiclib" in code, "chapters call musiclib"


def test_notebooks_are_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(numbers))), numbers


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))]
    assert commands == ["make test"], commands
    assert "make test" in readme and "make lab" in readme
    assert readme.index("make lab") < readme.index("## "), "the two commands come first in the README"


def test_makefile_test_target_uses_quick_mode():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "MUSICLIB_QUICK=1" in recipe and "pytest" in recipe
