"""The repository's own contracts: pins in sync, notebooks clean and well formed, CI runs the README's command."""

import json
import re
import shutil
import subprocess
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


def _committed_text(path, root=ROOT):
    """The notebook as the git index holds it (what the next commit contains), or the file itself outside git.

    A learner who runs a chapter in JupyterLab gets outputs saved into the working copy by autosave; that is not an
    error. What must stay clean is what gets committed, so the check reads the index, not the working tree.
    """
    rel = path.relative_to(root).as_posix()
    try:
        staged = subprocess.run(
            ["git", "-C", str(root), "show", f":{rel}"], capture_output=True, text=True, check=False, timeout=30
        )
    except FileNotFoundError:  # no git installed: an unpacked release is what was committed
        return path.read_text()
    return staged.stdout if staged.returncode == 0 else path.read_text()


def _cells_with_outputs(text):
    nb = json.loads(text)
    return [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    dirty = _cells_with_outputs(_committed_text(path))
    assert not dirty, (
        f"{path.name}: code cells {dirty} are staged with outputs or execution counts; "
        "run `make strip-outputs` (or Kernel > Restart and Clear Outputs) before committing"
    )


def test_committed_check_reads_the_index_not_the_working_copy(tmp_path):
    """A learner's saved outputs pass; outputs staged for a commit fail."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clean = json.loads(NOTEBOOKS[0].read_text())
    for cell in clean["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    executed = json.loads(json.dumps(clean))
    code = next(c for c in executed["cells"] if c["cell_type"] == "code")
    code["execution_count"] = 1
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}]

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    nb_path = tmp_path / "notebooks" / "00_x.ipynb"
    nb_path.parent.mkdir()
    nb_path.write_text(json.dumps(clean))
    git("add", ".")
    nb_path.write_text(json.dumps(executed))  # autosave after a learner ran the chapter

    assert _cells_with_outputs(_committed_text(nb_path, tmp_path)) == []
    assert _cells_with_outputs(nb_path.read_text()) != []
    git("add", ".")
    assert _cells_with_outputs(_committed_text(nb_path, tmp_path)) != []
    untracked = tmp_path / "notebooks" / "01_new.ipynb"
    untracked.write_text(json.dumps(executed))  # not in git yet: the file itself is what would be committed
    assert _cells_with_outputs(_committed_text(untracked, tmp_path)) != []


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


def _recipe(target):
    makefile = (ROOT / "Makefile").read_text()
    return makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]


def test_makefile_test_full_runs_everything_in_full_mode():
    recipe = _recipe("test-full")
    assert "MUSICLIB_QUICK=0" in recipe and "pytest" in recipe
    assert "MUSICLIB_QUICK=1" not in recipe
    assert "make test-full" in (ROOT / "README.md").read_text()


def test_make_lab_opens_chapter_00_with_the_course_settings():
    recipe = _recipe("lab")
    assert "--LabApp.default_url=/lab/tree/00_welcome.ipynb" in recipe and "--ServerApp.root_dir=notebooks" in recipe
    assert (ROOT / "notebooks" / "00_welcome.ipynb").exists()
    assert '$(CURDIR)/jupyter' in recipe and "JUPYTER_CONFIG_PATH" in recipe


def test_lab_settings_override_turns_off_the_news_popup():
    """The shipped overrides must name a real plugin and valid values, or JupyterLab ignores them silently."""
    jupyterlab = pytest.importorskip("jupyterlab")
    import sys

    overrides = json.loads((ROOT / "jupyter" / "labconfig" / "default_setting_overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    schema_path = Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension/notification.json"
    if not schema_path.exists():
        pytest.skip(f"JupyterLab {jupyterlab.__version__} schemas not found under {sys.prefix}")
    properties = json.loads(schema_path.read_text())["properties"]
    assert notification["fetchNews"] in [choice["const"] for choice in properties["fetchNews"]["oneOf"]]
    assert properties["fetchNews"]["default"] != notification["fetchNews"], "the default asks; ours must not"
    assert properties["checkForUpdates"]["type"] == "boolean"
