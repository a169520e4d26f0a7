"""Costs every process paid: finding WeasyPrint's libraries, compiling templates, page lists.

Each shortcut must leave the output as it was: the same libraries loaded, the
same report composed, the same PDF bytes.
"""

from __future__ import annotations

import ast
import gc
import inspect
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

import pikepdf
import pydyf
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import Generated, small_workshop
from reportgen import cycles
from reportgen import documents as d
from reportgen.compose import compose
from reportgen.compose.cache import TemplateCache, cache_folder, fingerprint
from reportgen.compose.environment import make_environment
from reportgen.compose.markdown_writer import to_markdown
from reportgen.conversion import docx_to_pdf
from reportgen.language import Language
from reportgen.pdf import patches
from reportgen.pdf.html import write_html
from reportgen.pdf.render import render_pdf
from reportgen.provenance import block_markdown
from reportgen.results import Timings, Warnings
from reportgen.templates import load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDER = ROOT / "templates" / "meeting-report"
EXAMPLE = "tbilisi-2018-migrant-integration"
LINUX = sys.platform.startswith("linux")


def run_python(code: str) -> str:
    """``code`` in a fresh interpreter (nothing imported yet); its standard output."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    return result.stdout


# -- WeasyPrint's C libraries --------------------------------------------------------

LOADED_LIBRARIES = """
import json, os
from weasyprint.text import ffi
names = ("gobject", "pango-", "pangoft2", "harfbuzz", "fontconfig")
with open("/proc/self/maps") as maps:
    paths = {os.path.realpath(line.split()[-1]) for line in maps if ".so" in line}
print(json.dumps({
    "paths": sorted(p for p in paths if any(n in os.path.basename(p) for n in names)),
    "missing": [n for n in ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig",
                            "pangoft2") if getattr(ffi, n) is None],
}))
"""


@pytest.mark.skipif(not LINUX, reason="ctypes runs gcc and ld to find libraries only on Linux")
def test_weasyprint_is_imported_without_running_a_compiler() -> None:
    code = (
        "import json, os, sys\n"
        "started = []\n"
        "def note(event, args):\n"
        "    if event == 'subprocess.Popen':\n"
        "        started.append(os.path.basename(str(args[1][0])))\n"
        "sys.addaudithook(note)\n"
        "import ctypes.util\n"
        "import reportgen.pdf.render\n"
        "from weasyprint.text import ffi\n"
        "print(json.dumps({'started': started,\n"
        "    'restored': ctypes.util.find_library.__name__,\n"
        "    'loaded': [n for n in ('pango', 'pangoft2', 'harfbuzz', 'harfbuzz_subset',\n"
        "               'fontconfig', 'gobject') if getattr(ffi, n) is not None]}))\n"
    )
    result = json.loads(run_python(code))
    assert not {"gcc", "cc", "ld", "objdump"} & set(result["started"]), result["started"]
    assert result["restored"] == "find_library"
    assert result["loaded"] == [
        "pango",
        "pangoft2",
        "harfbuzz",
        "harfbuzz_subset",
        "fontconfig",
        "gobject",
    ]


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs /proc/self/maps")
def test_weasyprint_loads_the_same_library_files_as_with_the_full_search() -> None:
    plain = json.loads(run_python("import weasyprint\n" + LOADED_LIBRARIES))
    ours = json.loads(
        run_python(
            "from reportgen.pdf.patches import import_weasyprint\n"
            "import_weasyprint()\n" + LOADED_LIBRARIES
        )
    )
    assert ours == plain
    assert ours["missing"] == [] and len(ours["paths"]) >= 6


def test_pdf_html_still_does_not_import_weasyprint() -> None:
    code = "import sys, reportgen.pdf.html\nprint('weasyprint' in sys.modules)\n"
    assert run_python(code).strip() == "False"


# -- compiled templates on disk ------------------------------------------------------


def headings(document: d.Document) -> list[str]:
    return [d.plain_text([block]) for block in document.children if isinstance(block, d.Heading)]


def cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("template-*.cache"))


def test_a_composed_report_is_the_same_from_a_warm_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(cache))
    template = load_template(TEMPLATE_FOLDER)
    cold = compose(small_workshop(), template)
    assert len(cached_files(cache)) == 1
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700

    warm = compose(small_workshop(), template)
    assert warm == cold
    # What a new environment finds for the template: code, ready to run.
    env = make_environment(template, Language("en"))
    source = template.composition.read_text(encoding="utf-8")
    bucket = env.bytecode_cache.get_bucket(
        env, template.composition.name, str(template.composition), source
    )
    assert bucket.code is not None


def test_an_edited_template_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "meeting-report"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    before = compose(small_workshop(), load_template(folder))
    assert "Introduction" in headings(before)

    composition = folder / "report.xml.j2"
    source = composition.read_text(encoding="utf-8")
    edited = source.replace('{{ _("Introduction") }}</h1>', "Why we met</h1>")
    assert edited != source
    composition.write_text(edited, encoding="utf-8")
    after = compose(small_workshop(), load_template(folder))
    assert "Why we met" in headings(after)
    assert "Introduction" not in headings(after)


def test_code_compiled_by_another_programs_environment_is_never_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.j2").write_text("<p>{{ value }}</p>", encoding="utf-8")
    (tmp_path / "cache").mkdir(mode=0o700)
    cache = TemplateCache(tmp_path / "cache")
    # Another program, same folder, same template, no autoescape: its code is cached.
    # The unescaped code must not leak into ours.
    other = Environment(
        loader=FileSystemLoader(str(folder)),
        bytecode_cache=cache,
        autoescape=False,  # noqa: S701
    )
    assert other.get_template("t.j2").render(value="<b>") == "<p><b></p>"
    assert len(cached_files(tmp_path / "cache")) == 1

    ours = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(folder)), bytecode_cache=cache, autoescape=True
    )
    assert ours.get_template("t.j2").render(value="<b>") == "<p>&lt;b&gt;</p>"
    assert len(cached_files(tmp_path / "cache")) == 2
    assert fingerprint(ours) != fingerprint(other)


def test_a_cache_folder_others_may_write_to_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(cache))
    assert cache_folder() is None
    document = compose(small_workshop(), load_template(TEMPLATE_FOLDER))
    assert "Introduction" in headings(document)
    assert list(cache.iterdir()) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a folder to another user needs root",
)
def test_a_cache_folder_of_another_user_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "theirs"
    cache.mkdir(mode=0o700)
    os.chown(cache, 65534, 65534)  # nobody
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(cache))
    assert cache_folder() is None
    assert "Introduction" in headings(compose(small_workshop(), load_template(TEMPLATE_FOLDER)))
    assert list(cache.iterdir()) == []


def test_a_cache_folder_that_cannot_be_made_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    assert cache_folder() is None
    assert "Introduction" in headings(compose(small_workshop(), load_template(TEMPLATE_FOLDER)))


def test_a_damaged_cache_file_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(cache))
    template = load_template(TEMPLATE_FOLDER)
    expected = compose(small_workshop(), template)
    (file,) = cached_files(cache)
    file.write_bytes(file.read_bytes()[:40] + b"\x00garbage" * 50)
    assert compose(small_workshop(), template) == expected
    file.write_bytes(b"")
    assert compose(small_workshop(), template) == expected


def test_the_cache_folder_follows_xdg_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPORTGEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "reportgen" / "templates"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/so/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = cache_folder()
    assert folder == tmp_path / "home" / ".cache" / "reportgen" / "templates"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


# -- pydyf's page references ---------------------------------------------------------


def test_page_references_see_pages_added_after_a_first_call() -> None:
    own = pydyf.PDF.__dict__["page_references"]
    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    with patches.cached_page_references():
        first = pdf.page_references
        assert pdf.page_references is first  # built once
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(pdf.page_references) == 3
        assert pdf.page_references == own.fget(pdf)
        assert pdf.page_references[0] == first[0]


def test_pydyf_is_patched_only_while_a_pdf_is_written() -> None:
    own = pydyf.PDF.__dict__["page_references"]
    with patches.cached_page_references():
        assert pydyf.PDF.__dict__["page_references"] is patches.CACHED_PAGE_REFERENCES
        with patches.cached_page_references():  # a second writer, as from another thread
            pass
        assert pydyf.PDF.__dict__["page_references"] is patches.CACHED_PAGE_REFERENCES
    assert pydyf.PDF.__dict__["page_references"] is own


def test_the_patched_libraries_are_versions_whose_code_was_checked() -> None:
    # A new pydyf or WeasyPrint fails here: read the code the patches rely on
    # (described in reportgen/pdf/patches.py), then add the version.
    assert patches.pydyf_checked(), metadata.version("pydyf")
    assert patches.weasyprint_checked(), metadata.version("weasyprint")


def test_pydyfs_page_references_are_still_what_the_cache_reproduces() -> None:
    source = inspect.getsource(pydyf.PDF.__dict__["page_references"].fget)
    body = " ".join(source.split())
    assert "for object_number in self.pages['Kids'][::3]" in body
    assert "f'{object_number} 0 R'.encode('ascii')" in body


def test_every_library_weasyprint_opens_is_named_by_its_linux_soname_too() -> None:
    # The premise of importing WeasyPrint without ctypes' compiler search.
    from weasyprint.text import ffi

    tree = ast.parse(Path(ffi.__file__).read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_dlopen"
    ]
    assert len(calls) >= 6
    for call in calls:
        names = [arg.value for arg in call.args if isinstance(arg, ast.Constant)]
        assert any(re.fullmatch(r"lib[\w.+-]+\.so\.\d+", name) for name in names), names


def test_a_pdf_is_byte_for_byte_the_same_as_with_pydyfs_own_page_references(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1550188800")
    template = load_template(TEMPLATE_FOLDER)
    words = "Participants discussed the practical steps of consultation at the local level. "
    children: list[d.Block] = [d.TableOfContents()]
    for number in range(1, 7):
        children += [
            d.Heading(1, [d.Text(f"Part {number}")]),
            *[d.Paragraph([d.Text(words * 12)]) for _ in range(5)],
        ]
    document = d.Document(children=children)
    html = write_html(document, template, draft=True)

    cached = render_pdf(html, template)
    with monkeypatch.context() as patched:
        patched.setattr(patches, "pydyf_checked", lambda: False)
        uncached = render_pdf(html, template)
    assert cached == uncached
    with pikepdf.open(io.BytesIO(cached)) as pdf:
        assert len(pdf.pages) >= 4


# -- the cycle collector ---------------------------------------------------------------


def test_the_cycle_collector_is_paused_while_a_docx_is_typeset_and_resumed_for_the_tags(
    generated: dict[str, Generated], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.pdf import render, tagging

    seen: list[tuple[str, bool]] = []
    typeset, finish = render.typeset, tagging.finish

    def noting_typeset(*args: object, **kwargs: object) -> tuple[bytes, str]:
        seen.append(("typeset", gc.isenabled()))
        return typeset(*args, **kwargs)

    def noting_finish(*args: object, **kwargs: object) -> bytes:
        seen.append(("finish", gc.isenabled()))
        return finish(*args, **kwargs)

    monkeypatch.setattr(render, "typeset", noting_typeset)
    monkeypatch.setattr(tagging, "finish", noting_finish)
    assert gc.isenabled()
    pdf = docx_to_pdf(generated[EXAMPLE].docx.read_bytes(), Warnings(), Timings())
    # The laid-out document is garbage by the time the tags are completed:
    # the collector runs again, so that both are not held at once.
    assert seen == [("typeset", False), ("finish", True)]
    assert gc.isenabled()
    assert pdf.startswith(b"%PDF-")


def test_a_collector_the_program_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with cycles.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_when_the_last_of_several_threads_is_done() -> None:
    inside = threading.Barrier(2)
    first_done = threading.Event()
    states: list[bool] = []

    def first() -> None:
        with cycles.collector_paused():
            inside.wait()
        first_done.set()

    def second() -> None:
        with cycles.collector_paused():
            inside.wait()
            first_done.wait(10)
            states.append(gc.isenabled())  # the first thread left; this one is still in

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert states == [False]
    assert gc.isenabled()


def test_an_error_inside_still_resumes_the_collector() -> None:
    with pytest.raises(ValueError), cycles.collector_paused():
        raise ValueError("stop")
    assert gc.isenabled()


# -- pseudo-element styles made on demand ---------------------------------------------


def a_report_with_every_kind_of_pseudo_element() -> d.Document:
    """Footnotes (numbered and marked), list markers, contents, quotes, a table, a heading note."""
    note = d.FootnoteRef(body=[d.Paragraph([d.Text("Source: the ministry's own figures.")])])
    marked = d.FootnoteRef(
        body=[d.Paragraph([d.Text("A note marked as the DOCX marks it.")])], mark="*"
    )
    words = "Participants discussed the practical steps of consultation at the local level. "
    return d.Document(
        children=[
            d.TableOfContents(title="Contents"),
            d.Heading(1, [d.Text("Summary"), note]),
            d.Paragraph([d.Text(words * 8), marked]),
            d.ListBlock(
                ordered=True,
                start=3,
                items=[d.ListItem([d.Paragraph([d.Text("Open one-stop shops.")])])],
            ),
            d.ListBlock(
                ordered=False,
                items=[
                    d.ListItem([d.Paragraph([d.Text("Lettered.")])], label="b)"),
                    d.ListItem([d.Paragraph([d.Text("Plain.")])]),
                ],
            ),
            d.Quote([d.Paragraph([d.Text("Integration starts locally.")])], [d.Text("A mayor")]),
            d.Heading(2, [d.Text("Participants")]),
            d.Table(
                rows=[
                    d.TableRow([d.TableCell([d.Paragraph([d.Text("Name")])])], header=True),
                    *[
                        d.TableRow([d.TableCell([d.Paragraph([d.Text(f"Person {n}")])])])
                        for n in range(40)
                    ],
                ]
            ),
        ]
    )


def test_a_pdf_is_byte_for_byte_the_same_with_pseudo_element_styles_made_on_demand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1550188800")
    template = load_template(TEMPLATE_FOLDER)
    html = write_html(a_report_with_every_kind_of_pseudo_element(), template, draft=True)
    assert patches.style_for_checked()
    on_demand = render_pdf(html, template)
    with monkeypatch.context() as patched:
        patched.setattr(patches, "style_for_checked", lambda: False)
        up_front = render_pdf(html, template)
    assert on_demand == up_front
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(on_demand)).pages)
    assert "1." in text and "*" in text and "b)" in text and "— A mayor" in text


def test_an_anchor_declared_on_a_pseudo_element_is_still_collected_before_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from weasyprint import CSS, HTML
    from weasyprint.css.targets import TargetCollector

    collected: list[object] = []
    collect = TargetCollector.collect_anchor

    def noting(self: TargetCollector, name: object) -> None:
        collected.append(name)
        collect(self, name)

    monkeypatch.setattr(TargetCollector, "collect_anchor", noting)
    page = HTML(string='<p id="first"><a href="#late">see</a></p><h2>Late</h2><ol><li>x</ol>')
    css = CSS(string='h2::before { content: "§ "; -weasy-anchor: "late" }')
    page.render(stylesheets=[css])
    up_front = list(collected)
    collected.clear()
    with patches.deferred_pseudo_styles():
        page.render(stylesheets=[css])
    assert collected == up_front
    assert "late" in up_front and "first" in up_front


def test_weasyprints_own_style_maker_is_back_after_a_render() -> None:
    import weasyprint.css

    own = weasyprint.css.StyleFor
    with patches.deferred_pseudo_styles():
        assert weasyprint.css.StyleFor is not own
        assert issubclass(weasyprint.css.StyleFor, own)
        with patches.deferred_pseudo_styles():  # a second render, as from another thread
            pass
        assert weasyprint.css.StyleFor is not own
    assert weasyprint.css.StyleFor is own


def test_weasyprint_still_makes_pseudo_element_styles_the_way_the_patch_expects() -> None:
    # What deferring_style_for relies on (patches.py, 3): a second pass over the
    # cascaded styles calls set_computed_styles for each pseudo-element, after
    # which the cascaded styles are cleared; set_computed_styles reads them
    # from self._cascaded_styles; __call__ reads self._computed_styles.
    import weasyprint.css

    init = " ".join(inspect.getsource(weasyprint.css.StyleFor.__init__).split())
    assert (
        "for element, pseudo_type in cascaded_styles: if pseudo_type: self.set_computed_styles("
        in init
    )
    assert init.index("if pseudo_type:") < init.index("self._cascaded_styles.clear()")
    setter = inspect.signature(weasyprint.css.StyleFor.set_computed_styles)
    assert list(setter.parameters) == [
        "self",
        "element",
        "parent",
        "root",
        "pseudo_type",
        "base_url",
        "target_collector",
    ]
    body = " ".join(inspect.getsource(weasyprint.css.StyleFor.set_computed_styles).split())
    assert "cascaded = cascaded_styles.get((element, pseudo_type), {})" in body
    assert "if target_collector and computed['anchor']:" in body
    call = " ".join(inspect.getsource(weasyprint.css.StyleFor.__call__).split())
    assert "self._computed_styles.get((element, pseudo_type))" in call
    assert "return StyleFor(" in inspect.getsource(weasyprint.css.get_all_computed_styles)


# -- pydyf's objects serialised once per PDF ------------------------------------------


def test_a_pdf_is_byte_for_byte_the_same_with_objects_serialised_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1550188800")
    template = load_template(TEMPLATE_FOLDER)
    html = write_html(a_report_with_every_kind_of_pseudo_element(), template, draft=True)
    once = render_pdf(html, template)
    with monkeypatch.context() as patched:
        patched.setattr(patches, "pydyf_checked", lambda: False)
        twice = render_pdf(html, template)
    assert once == twice
    with pikepdf.open(io.BytesIO(once)) as pdf:
        assert len(pdf.trailer.ID) == 2  # the identifier computed from the content


def test_objects_are_serialised_once_only_inside_pdf_write() -> None:
    pdf = pydyf.PDF()
    page = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(page)
    stream = pydyf.Stream([b"0 0 m 10 10 l S"], compress=True)
    pdf.add_object(stream)
    with patches.serialised_once():
        before = page.data
        page["Rotate"] = 90  # outside write, an object's bytes follow its changes
        assert page.data != before and b"/Rotate 90" in page.data
        counted: list[int] = []
        compress = pydyf.zlib.compressobj

        def counting(*args: object, **kwargs: object) -> object:
            counted.append(1)
            return compress(*args, **kwargs)

        pydyf.zlib.compressobj = counting
        try:
            output = io.BytesIO()
            pdf.write(output, version=b"1.7", identifier=True, compress=True)
        finally:
            pydyf.zlib.compressobj = compress
    # Two streams (the page's contents and the object stream) and the
    # cross-reference stream: each compressed once, not again for the /ID.
    assert len(counted) == 3
    with pikepdf.open(io.BytesIO(output.getvalue())) as written:
        assert written.pages[0].obj.Rotate == 90
    assert "data" in pydyf.Dictionary.__dict__
    assert pydyf.Dictionary.__dict__["data"].fget.__module__ == "pydyf"
    assert getattr(pydyf.PDF.write, "__module__", "") == "pydyf"


def test_pydyf_still_computes_an_objects_bytes_each_time_and_hashes_them_again() -> None:
    # What serialised_once relies on (patches.py, 4); if pydyf caches or
    # stops hashing the objects, the patch is no longer needed.
    write = " ".join(inspect.getsource(pydyf.PDF.write).split())
    assert "data = b''.join(obj.data for obj in self.objects if obj.free != 'f')" in write
    assert "self.write_line(object_.indirect, output)" in write
    stream = " ".join(inspect.getsource(pydyf.Stream.data.fget).split())
    assert "compressobj = zlib.compressobj(level=9)" in stream
    for cls in (pydyf.Dictionary, pydyf.Array, pydyf.String, pydyf.Stream):
        assert isinstance(cls.__dict__["data"], property), cls


# -- every patch at once, on real reports --------------------------------------------


@pytest.mark.parametrize(
    "example", ["tbilisi-2018-migrant-integration", "warsaw-2019-journalists-safety-online"]
)
def test_an_example_reports_pdf_is_the_same_with_every_patch_as_with_none(
    example: str, generated: dict[str, Generated], monkeypatch: pytest.MonkeyPatch
) -> None:
    # patches.py 2-4 together against WeasyPrint and pydyf as shipped, on the
    # DOCX generate wrote (its participant table, contents, footnotes, tags);
    # patch 1 is compared by the libraries it loads (above).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1550188800")
    docx = generated[example].docx.read_bytes()
    patched = docx_to_pdf(docx, Warnings(), Timings())
    with monkeypatch.context() as unpatched:
        unpatched.setattr(patches, "pydyf_checked", lambda: False)
        unpatched.setattr(patches, "style_for_checked", lambda: False)
        plain = docx_to_pdf(docx, Warnings(), Timings())
    assert patched == plain
    with pikepdf.open(io.BytesIO(patched)) as pdf:
        assert pdf.Root.MarkInfo.Marked  # tagged: the tags are among the bytes compared
        assert len(pdf.Root.StructTreeRoot.ParentTree.Nums) >= 2 * len(pdf.pages)


# -- a plain cell's Markdown, without the Markdown writer -----------------------------

# Letters of the scripts the reports use, digits, Markdown's own characters and
# the typographer's, spaces where they could collapse.
CELL_TEXT = st.text(
    alphabet=st.sampled_from(list("aZé9²ёქԱ _*#.-)(c&;<>`\\[]\"'\t\u00a0")), max_size=24
)


@given(st.one_of(CELL_TEXT, st.text(alphabet=st.sampled_from(list("aZé9²ёქԱ ")), max_size=24)))
def test_a_plain_blocks_markdown_is_what_the_markdown_writer_writes(text: str) -> None:
    block = d.Paragraph([d.Text(text)])
    assert block_markdown(block, "markdown") == to_markdown([d.Paragraph([d.Text(text)])])


def test_every_cell_of_the_example_reports_has_the_markdown_the_writer_gives(
    generated: dict[str, Generated],
) -> None:
    from reportgen.word.reader import read_docx

    plain = 0
    for report in generated.values():
        document = read_docx(report.docx.read_bytes())
        for leaf in d.paragraphs(document.children):
            if len(leaf.children) == 1 and isinstance(leaf.children[0], d.Text):
                expected = to_markdown([d.Paragraph(leaf.children)])
                assert block_markdown(leaf, "markdown") == expected
                plain += expected == leaf.children[0].text
    assert plain > 100
