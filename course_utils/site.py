"""The course as a static website: ``python -m course_utils site``.

The site is built with Sphinx, MyST-NB and the Sphinx Book Theme from the
lessons **with their committed outputs** (nothing is executed) and from the
README, into ``build/site/``. It needs no network, neither to build nor to
read: MathJax (from the ``sphinx-mathjax-offline`` package), the theme's icon
fonts and the search index are all copied into the site, so it also works
opened from disk (``build/site/index.html``).

The lessons are not changed; the site reads adapted copies in
``build/site-src/``:

- the Colab badge (an image on Google's server) becomes an "Open in Colab"
  link, next to a "Download notebook" link to a copy of the notebook as it is
  committed (``notebooks/<file>``);
- an exercise shows the student's stub (as in the handout) and, folded under
  "Show solution", the instructor's cell; markdown cells tagged ``solution``
  are folded the same way;
- the ``# NBVAL_CHECK_OUTPUT`` marker lines, which only tell the tests what to
  compare, are left out of the code shown.

Install what it needs with ``pip install -e ".[site]"``.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import time
import warnings
from pathlib import Path

from .handout import SOLUTION_TAG, make_handout, solution_regions
from .runtime import COLAB_URL, REPO_SLUG, repo_root

__all__ = [
    "README_SECTIONS_LEFT_OUT",
    "build_site",
    "home_page",
    "polish_html",
    "site_notebook",
]

#: README sections about the repository itself rather than the course.
README_SECTIONS_LEFT_OUT = ("For maintainers", "Layout")

GITHUB_URL = f"https://github.com/{REPO_SLUG}"
# A Colab badge: the image badge (the README) or the lessons' text link **[Open in Colab](URL)**.
_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(([^)\s]+)\)|\*\*\[Open in Colab\]\(([^)\s]+)\)\*\*")
_NBVAL_MARKER = re.compile(r"^# NBVAL_\w+[ \t]*\n?")
_LINK = re.compile(r"\]\(([^)\s]+)\)")

# MathJax 3 (CommonHTML output) and the files it loads on demand: TeX
# extensions, fonts, the accessibility menu and its speech rule engine.
_MATHJAX_FILES = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2",
                  "a11y", "ui", "sre"]

_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="10" fill="#1f5f8b"/>
<g fill="#ffffff">
<rect x="10" y="10" width="12" height="12" rx="2"/><rect x="26" y="10" width="12" height="12" rx="2" opacity=".55"/>
<rect x="42" y="10" width="12" height="12" rx="2"/><rect x="10" y="26" width="12" height="12" rx="2" opacity=".55"/>
<rect x="26" y="26" width="12" height="12" rx="2" fill="#f2b134"/><rect x="42" y="26" width="12" height="12" rx="2" opacity=".55"/>
<rect x="10" y="42" width="12" height="12" rx="2"/><rect x="26" y="42" width="12" height="12" rx="2" opacity=".55"/>
<rect x="42" y="42" width="12" height="12" rx="2"/>
</g></svg>
"""

_CSS = """\
/* The course site's few additions to the Sphinx Book Theme. */
.lesson-links { display: flex; flex-wrap: wrap; gap: .5rem; margin: .25rem 0 1.25rem; }
.lesson-links a {
  display: inline-block; padding: .3rem .8rem; border-radius: .4rem; font-weight: 600;
  border: 1px solid var(--pst-color-primary); text-decoration: none;
}
.lesson-links a:hover { background: var(--pst-color-primary); color: var(--pst-color-background); }
/* An exercise: the student's stub, then the folded solution. */
div.cell.tag_exercise-stub > div.cell_input { border-left-color: var(--pst-color-warning); }
div.cell.tag_exercise-stub::before {
  content: "Your turn"; display: block; font-size: .8rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: .05em; color: var(--pst-color-warning);
}
details.solution { border-left: .2rem solid var(--pst-color-info); padding: .2rem .8rem; margin: 1rem 0; }
details.solution > summary { font-weight: 700; cursor: pointer; margin-bottom: .5rem; }
details.solution[open] > summary .show, details.solution:not([open]) > summary .hide { display: none; }
/* The PyData header bar is empty here (the book theme has its own buttons). */
#pst-header { display: none; }
/* A small logo beside the course's name, not a logo the sidebar's full width. */
.navbar-brand.logo { flex-direction: row; align-items: center; gap: .6rem; }
.navbar-brand.logo img.logo__image { height: 2.6rem; width: auto; }
.navbar-brand.logo .logo__title { font-size: 1.25rem; font-weight: 700; margin: 0; }
a[href^="https://colab.research.google.com"] { white-space: nowrap; }
/* Code a little smaller; long lines scroll inside their block. */
div.cell div.highlight pre { font-size: .8rem; }
/* Long inline code (a path, a call with arguments) wraps instead of widening the page
   on a phone. Wide tables scroll inside the theme's own focusable wrapper. */
.bd-article code.literal, .bd-article code.literal span.pre {
  white-space: pre-wrap; overflow-wrap: anywhere;
}
/* Coloured text in outputs (Keras's model.summary() writes it with inline colours,
   some below 2:1 contrast on the output background) takes the page's text colour. */
.cell_output pre span[style*="color"] { color: var(--pst-color-text-base) !important; }
/* A focus ring that shows on every control, header buttons and folds included. */
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible,
[tabindex]:focus-visible {
  outline: 3px solid var(--pst-color-accent) !important; outline-offset: 2px;
}
"""

_JS = """\
// The course site's one script: a formula too wide for its column scrolls, so a
// keyboard user must be able to reach it; every other formula stays out of the
// tab order (MathJax's menu is configured with inTabOrder: false).
(function () {
  function mark() {
    document.querySelectorAll("mjx-container").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }
  function start() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(mark);
    }
    var timer;
    window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
  }
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
"""

_CONF = """\
# Written by course_utils.site for this build; edit course_utils/site.py instead.
project = {title!r}
author = "The CNN course authors"
copyright = "the CNN course authors, MIT licence"
extensions = ["myst_nb", "sphinx.ext.mathjax"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
nb_execution_mode = "off"
nb_merge_streams = True
nb_code_prompt_show = "Show code cell {{type}}"
exclude_patterns = ["_build", "notebooks"]
mathjax_path = "mathjax/tex-chtml.js"
# Formulas are not tab stops (MathJax's menu puts each one in the tab order by default).
mathjax3_config = {{"options": {{"menuOptions": {{"settings": {{"inTabOrder": False}}}}}}}}
html_theme = "sphinx_book_theme"
html_title = {short_title!r}
html_logo = "_static/logo.svg"
html_favicon = "_static/logo.svg"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["course.js"]
html_copy_source = False
html_context = {{"default_mode": "light"}}  # the figures are drawn on white
html_show_sourcelink = False
html_theme_options = {{
    "repository_url": {github!r},
    "repository_branch": "main",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,
    "launch_buttons": {{"colab_url": "https://colab.research.google.com"}},
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # The book theme keeps search in the sidebar; without this, the PyData theme it
    # builds on (0.20) adds a second search field in a bar across the top.
    "navbar_persistent": [],
    "logo": {{"text": {short_title!r}}},
}}
"""


def _links_html(colab: str, download: str) -> str:
    return (
        '<p class="lesson-links">'
        f'<a class="colab-link" href="{html.escape(colab)}">Open in Colab</a>'
        f'<a class="download-link" href="{html.escape(download)}" download>Download notebook</a>'
        "</p>"
    )


def site_notebook(nb, name: str):
    """Return the copy of lesson ``nb`` that the site shows (``nb`` is not changed).

    The Colab badge becomes an "Open in Colab" and a "Download notebook" link
    under the title; each exercise cell is preceded by the student's stub
    (tagged ``exercise-stub``) and folded under "Show solution"; markdown cells
    tagged ``solution`` are folded too; ``# NBVAL_...`` marker lines are left
    out of the code.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A lesson, with its outputs.
    name : str
        Its file name, e.g. ``"01_convolution_1d.ipynb"``.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Lesson 09 · Pooling"),
    ...     nbformat.v4.new_markdown_cell("### Exercise 1: add"),
    ...     nbformat.v4.new_code_cell("def add(a, b):\\n    ### BEGIN SOLUTION\\n"
    ...                               "    return a + b\\n    ### END SOLUTION")])
    >>> site = site_notebook(nb, "09_pooling.ipynb")
    >>> "Open in Colab" in site.cells[0].source
    True
    >>> print(site.cells[2].source)
    def add(a, b):
        # YOUR CODE HERE
        raise NotImplementedError("Exercise 1: add")
    >>> site.cells[3].metadata["tags"], site.cells[3].metadata["mystnb"]["code_prompt_show"]
    (['hide-input'], 'Show solution')
    """
    if not isinstance(name, str) or not name.endswith(".ipynb"):
        raise ValueError(f"name must be a notebook file name ending in .ipynb; got {name!r}")
    out = copy.deepcopy(nb)
    # IPython's lexer colours `!shell` and `%magic` lines (a notebook saved before it
    # ran may name plain "python").
    out.metadata.setdefault("language_info", {})["pygments_lexer"] = "ipython3"
    handout_cells = iter(make_handout(nb).cells)
    colab = f"{COLAB_URL}lessons/{name}"
    links = _links_html(colab, f"../notebooks/{name}")
    cells, linked = [], False
    for cell in out.cells:
        tags = list(cell.get("metadata", {}).get("tags", []))
        stub = None if SOLUTION_TAG in tags else next(handout_cells)
        if cell.cell_type == "markdown":
            source = cell.source
            badge = _BADGE.search(source)
            if badge:
                colab = badge.group(1) or badge.group(2)
                links = _links_html(colab, f"../notebooks/{name}")
                source = (source[: badge.start()] + source[badge.end():]).lstrip("\n")
            if not linked and re.search(r"^#\s", source, re.MULTILINE):
                title = re.search(r"^#\s.*$", source, re.MULTILINE)
                source = f"{source[: title.end()]}\n\n{links}\n{source[title.end():]}"
                linked = True
            if SOLUTION_TAG in tags:
                source = ('<details class="solution">\n<summary><span class="show">Show solution'
                          '</span><span class="hide">Hide solution</span></summary>\n\n'
                          f"{source}\n\n</details>")
            cell.source = source
        elif cell.cell_type == "code":
            cell.source = _NBVAL_MARKER.sub("", cell.source, count=1)
            if solution_regions(cell.source):
                student = copy.deepcopy(stub)
                student.source = _NBVAL_MARKER.sub("", student.source, count=1)
                student.metadata["tags"] = ["exercise-stub"]
                if "id" in cell:
                    student["id"] = f"{cell['id'][:59]}-stub"  # ids stay unique
                cells.append(student)
            if solution_regions(cell.source) or SOLUTION_TAG in tags:
                # An exercise's cell folds its code; a cell that exists only for the
                # instructor (tagged "solution") folds its outputs too.
                cell.metadata["tags"] = [*tags, "hide-cell" if SOLUTION_TAG in tags else "hide-input"]
                # Merge: the cell's own MyST-NB settings (a figure's alt text) stay.
                cell.metadata["mystnb"] = {**cell.metadata.get("mystnb", {}),
                                           "code_prompt_show": "Show solution",
                                           "code_prompt_hide": "Hide solution"}
        cells.append(cell)
    if not linked:  # no title: put the links first
        import nbformat

        cells.insert(0, nbformat.v4.new_markdown_cell(links))
    out.cells = cells
    return out


def _sections(markdown: str):
    """Split markdown into (heading, text) at its ``## `` headings, outside code fences."""
    parts, current, heading, fenced = [], [], None, False
    for line in markdown.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            parts.append((heading, "".join(current)))
            current, heading = [], line[3:].strip()
        current.append(line)
    parts.append((heading, "".join(current)))
    return parts


def home_page(readme: str, lessons) -> str:
    """The site's home page (MyST markdown) made from the README.

    Lesson links stay links to the lesson pages, Colab badges become text
    links, other links into the repository point at GitHub, and the sections
    in ``README_SECTIONS_LEFT_OUT`` are left out. A hidden table of contents
    lists ``lessons`` in order, which gives the site its navigation.

    Parameters
    ----------
    readme : str
        The README's text.
    lessons : list of str
        Lesson file names, e.g. ``["01_convolution_1d.ipynb"]``.

    Returns
    -------
    str

    Examples
    --------
    >>> page = home_page("# Course\\n\\nSee [the data](datasets/README.md).\\n"
    ...                  "## Layout\\n\\nfolders\\n", ["01_a.ipynb"])
    >>> f"({GITHUB_URL}/blob/main/datasets/README.md)" in page
    True
    >>> "folders" in page, "lessons/01_a" in page
    (False, True)
    >>> print(home_page("| 02 | Images *(in preparation)* | filters | |\\n", ["02_b.ipynb"]).splitlines()[0])
    | 02 | [Images](lessons/02_b.ipynb) | filters | |
    """
    if not isinstance(readme, str):
        raise TypeError(f"readme must be the README's text (str); got {type(readme).__name__}")
    if isinstance(lessons, str):
        raise TypeError(f"lessons must be a list of file names; got the string {lessons!r}")
    names = set(lessons)

    def link(match):
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):  # a URL, or an anchor on the page
            return match.group(0)
        if target.startswith("lessons/") and Path(target).name in names:
            return match.group(0)  # MyST turns it into a link to the lesson's page
        return f"]({GITHUB_URL}/blob/main/{target.lstrip('./')})"

    def lesson_row(match):
        # A row of the lesson table for a lesson that exists but is not linked yet.
        number, title, rest = match.groups()
        found = sorted(n for n in names if n.startswith(f"{number}_"))
        if not found or "](" in title:
            return match.group(0)
        title = title.replace("*(in preparation)*", "").strip()
        return f"| {number} | [{title}](lessons/{found[0]}) |{rest}"

    text = re.sub(r"^\| (\d\d) \|([^|\n]*)\|(.*)$", lesson_row, readme, flags=re.MULTILINE)
    text = _BADGE.sub(lambda m: f"[Open in Colab]({m.group(1) or m.group(2)})", text)
    kept = [body for heading, body in _sections(text) if heading not in README_SECTIONS_LEFT_OUT]
    text = _LINK.sub(link, "".join(kept)).rstrip() + "\n"
    text += (
        "\n## About this site\n\n"
        "These pages show the lesson notebooks with the outputs of their last full run,\n"
        "as committed; nothing is executed to build them. Everything the pages need\n"
        "(math, fonts, search) is inside the site, so it also works offline, opened\n"
        "from disk. Build it with `python -m course_utils site`; it lands in `build/site/`.\n"
    )
    toc = "\n".join(f"lessons/{Path(n).stem}" for n in sorted(lessons))
    return text + f"\n```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{toc}\n```\n"


def _mathjax_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the site needs the package sphinx-mathjax-offline (MathJax for offline use); "
            'install the site extra: pip install -c constraints.txt -e ".[site]"'
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dst)


def build_site(out=None, lessons=None, quiet: bool = True) -> tuple[Path, list[str]]:
    """Build the website into ``out`` (default ``build/site``) without executing anything.

    Parameters
    ----------
    out : path-like, optional
        The output folder; emptied first. Its sibling ``<out>-src`` holds the
        Sphinx sources the build reads (kept, to look at).
    lessons : list of path-like, optional
        Lesson notebooks (default: every ``lessons/NN_*.ipynb``, then every
        ``lessons/appendix_*.ipynb``).
    quiet : bool
        Hide Sphinx's progress lines (warnings are always returned).

    Returns
    -------
    (pathlib.Path, list of str)
        The output folder and Sphinx's warnings (an empty list for a clean build).

    Examples
    --------
    >>> import tempfile
    >>> from course_utils.runtime import repo_root
    >>> out, warnings = build_site(Path(tempfile.mkdtemp()) / "site",
    ...                            sorted((repo_root() / "lessons").glob("01_*.ipynb")))
    >>> (out / "lessons" / "01_convolution_1d.html").exists(), warnings
    (True, [])
    """
    import io

    import nbformat
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    root = repo_root()
    out = Path(out) if out is not None else root / "build" / "site"
    if lessons is None:
        lessons = (sorted((root / "lessons").glob("[0-9][0-9]_*.ipynb"))
                   + sorted((root / "lessons").glob("appendix_*.ipynb")))
    lessons = [Path(p) for p in lessons]
    for path in lessons:
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"lessons must be notebook files; {str(path)!r} is not one")
    mathjax = _mathjax_dir()  # before anything else: say at once if it is missing
    src = out.parent / f"{out.name}-src"
    for folder in (src, out):
        if folder.exists():
            shutil.rmtree(folder)
    (src / "lessons").mkdir(parents=True)
    (src / "_static").mkdir()
    (src / "_static" / "logo.svg").write_text(_LOGO)
    (src / "_static" / "course.css").write_text(_CSS)
    (src / "_static" / "course.js").write_text(_JS)

    readme = (root / "README.md").read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in readme.splitlines() if line.startswith("# ")),
                 "CNN course")
    (src / "conf.py").write_text(_CONF.format(title=title, short_title="CNN course",
                                              github=GITHUB_URL))
    (src / "index.md").write_text(home_page(readme, [p.name for p in lessons]), encoding="utf-8")
    for path in lessons:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(site_notebook(nb, path.name), src / "lessons" / path.name)

    html_dir = src / "_build" / "html"
    status, warning = io.StringIO(), io.StringIO()
    nocolor()
    with patch_docutils(str(src)), docutils_namespace(), warnings.catch_warnings():
        # The theme and MyST use Sphinx APIs that Sphinx 11 will remove: theirs to fix.
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        # Sphinx writes into the source tree (MyST-NB puts the output images next to
        # the HTML folder); the finished HTML folder then moves to ``out``.
        app = Sphinx(str(src), str(src), str(html_dir), str(src / "_build" / "doctrees"), "html",
                     status=None if quiet else status, warning=warning, freshenv=True,
                     verbosity=0)
        app.build()
    if not quiet:
        print(status.getvalue(), end="")
    html_dir.rename(out)
    # Not needed to read the site: source maps of the theme's minified files and the
    # theme's translations (.mo files for the builder, not the browser).
    for path in [*out.glob("_static/**/*.map"), out / "_static" / "locales", out / "_sources"]:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        polished = polish_html(text)
        if polished != text:
            page.write_text(polished, encoding="utf-8")
    for name in _MATHJAX_FILES:
        _copy(mathjax / name, out / "_static" / "mathjax" / name)
    for path in lessons:
        _copy(path, out / "notebooks" / path.name)
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is
    return out, [line for line in warning.getvalue().splitlines() if line.strip()]


_FOLD_LABEL = re.compile(r'<summary aria-label="Toggle hidden content">')
_SEARCH_LABEL = re.compile(r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?) aria-label="Search"')
_FIGURE = re.compile(r'<img (?=[^>]*src="\.\./_images/)(?![^>]*\bloading=)')


def polish_html(page: str) -> str:
    """Fix what the theme and MyST-NB write that readers with assistive technology meet.

    - A folded cell's ``<summary>`` loses MyST-NB's fixed ``aria-label``
      ("Toggle hidden content"), so its accessible name is its visible text
      ("Show solution").
    - The search button loses its ``aria-label`` ("Search"), which left out the
      visible keyboard shortcut (axe: label-content-name-mismatch).
    - Output figures load lazily (``loading="lazy"``).

    Parameters
    ----------
    page : str
        An HTML page as Sphinx wrote it.

    Returns
    -------
    str

    Examples
    --------
    >>> polish_html('<summary aria-label="Toggle hidden content">Show solution</summary>')
    '<summary>Show solution</summary>'
    >>> polish_html('<img alt="A sine wave" src="../_images/a.png" />')
    '<img loading="lazy" alt="A sine wave" src="../_images/a.png" />'
    """
    if not isinstance(page, str):
        raise TypeError(f"page must be HTML text (str); got {type(page).__name__}")
    page = _FOLD_LABEL.sub("<summary>", page)
    page = _SEARCH_LABEL.sub(r"\1", page)
    return _FIGURE.sub('<img loading="lazy" ', page)


def _size(folder) -> int:
    """Total size in bytes of the files under ``folder``."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def _main(out=None, verbose: bool = False) -> int:
    """Build the site and print where it is, how long it took and its size."""
    start = time.perf_counter()
    folder, warnings = build_site(out, quiet=not verbose)
    seconds = time.perf_counter() - start
    pages = len(list(folder.glob("lessons/*.html")))
    for line in warnings:
        print(line)
    print(f"built {folder} ({pages} lesson page(s)) in {seconds:.1f} s, "
          f"{_size(folder) / 2**20:.1f} MiB; open {folder / 'index.html'}")
    if warnings:
        print(f"error: the build gave {len(warnings)} warning(s), listed above")
        return 1
    return 0
