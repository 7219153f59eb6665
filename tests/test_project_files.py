"""The project's own files agree: pyproject, constraints, environment.yml, README, CI."""

import re
from pathlib import Path

import pytest
import yaml
from lessons_helpers import LESSONS

from course_utils.runtime import COLAB_URL, repo_root

tomllib = pytest.importorskip("tomllib")  # Python 3.11+
ROOT = repo_root()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TEST_COMMAND = "python3 course.py test"
LAB_COMMAND = "python3 course.py lab"


def name_of(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def pins():
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            out[name.lower().replace("_", "-")] = version.strip()
    return out


def test_constraints_pin_every_dependency():
    pinned = pins()
    wanted = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    missing = [r for r in wanted if name_of(r) not in pinned]
    assert not missing, f"constraints.txt lacks {missing}"


def test_pins_satisfy_the_lower_bounds():
    from packaging.requirements import Requirement

    pinned = pins()
    for req in PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]:
        r = Requirement(req)
        assert r.specifier.contains(pinned[name_of(req)]), f"{req} vs pinned {pinned[name_of(req)]}"


def test_tensorflow_has_keras_3():
    assert int(pins()["keras"].split(".")[0]) >= 3


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    pip = [d for d in deps if isinstance(d, dict)]
    # No second hand-kept list: conda brings Python and pip, pip brings the package.
    assert {name_of(d) for d in conda} == {"python", "pip"}
    assert len(pip) == 1 and pip[0]["pip"] == ["-c constraints.txt", "-e .[dev]"]
    python = next(d for d in conda if d.startswith("python"))
    minor = int(python.split("=")[1].split(".")[1])
    required = PYPROJECT["project"]["requires-python"]
    assert required == ">=3.10" and minor >= 10
    assert pins(), "constraints.txt exists and pins versions"


def readme_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh|console|shell)?\n(.*?)```", readme, re.S)
    return [line.strip() for b in blocks for line in b.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    commands = readme_commands()
    assert LAB_COMMAND in commands and TEST_COMMAND in commands
    ci = (ROOT / ".ci" / "run").read_text()
    assert TEST_COMMAND in ci


def test_readme_lists_every_lesson_with_a_colab_badge():
    readme = (ROOT / "README.md").read_text()
    for path in LESSONS:
        rel = path.relative_to(ROOT).as_posix()
        assert f"({COLAB_URL}{rel})" in readme, f"no Colab badge for {rel}"
        assert f"]({rel})" in readme, f"no link to {rel}"


def test_readme_sections():
    readme = (ROOT / "README.md").read_text().lower()
    for words in ["colab", "conda", "fast mode", "handout", "licen", "refresh", "python -m course_utils run",
                  "python -m course_utils doctor", "python -m course_utils handout", "--complete"]:
        assert words in readme, words


def test_gitignore_keeps_build_and_venv_out():
    ignored = Path(ROOT / ".gitignore").read_text().split()
    assert ".venv/" in ignored and "build/" in ignored


def test_issue_form_asks_for_lesson_cell_what_happened_and_environment():
    form = yaml.safe_load((repo_root() / ".github" / "ISSUE_TEMPLATE" / "problem.yml").read_text())
    assert {"name", "description", "body"} <= set(form)
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    for needed in ["lesson", "cell", "what-happened", "where", "doctor"]:
        assert fields[needed]["validations"]["required"] is True, needed
    assert "python -m course_utils doctor" in fields["doctor"]["attributes"]["description"]
    where = " ".join(fields["where"]["attributes"]["options"])
    for place in ["Colab", "Kaggle", "conda", "Windows", "macOS", "Linux"]:
        assert place in where
    lessons = fields["lesson"]["attributes"]["options"]
    numbered = sorted(p.name[:2] for p in (repo_root() / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert [o[:2] for o in lessons if o[:2].isdigit()] == numbered, "one option per lesson"


def test_lower_bounds_are_proved_by_a_command_and_a_scheduled_workflow():
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_cli", repo_root() / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    floors = course.lower_bounds()
    assert {"tensorflow", "keras", "numpy", "matplotlib", "ipykernel"} <= set(floors)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in floors.values()), "exact versions"
    lines = course.oldest_constraints().splitlines()
    for name, version in floors.items():
        assert f"{name}=={version}" in lines
    flow = yaml.safe_load((repo_root() / ".github" / "workflows" / "versions.yml").read_text())
    on = flow.get(True, flow.get("on"))
    assert "schedule" in on
    runs = "\n".join(s.get("run", "") for job in flow["jobs"].values() for s in job["steps"])
    assert "python3 course.py test --oldest" in runs and "tensorflow==2.19.1" in runs
    readme = (repo_root() / "README.md").read_text()
    assert "python3 course.py test --oldest" in readme


def test_every_course_utils_package_is_shipped():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {p.parent.relative_to(ROOT).as_posix().replace("/", ".")
             for p in (ROOT / "course_utils").rglob("__init__.py")}
    assert found == listed
