"""The renderer fetches only what it should, from a rapporteur's input or a template's CSS.

tests/test_pdf.py checks the fetcher itself and HTML that asks for outside
resources; here the requests come from where they would in practice — text
typed into an input, and a template's print CSS — through ``generate``, with
a web server on 127.0.0.1 that must see no request at all.
"""

from __future__ import annotations

import http.server
import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import docx
import pikepdf
import pytest

from reportgen.pdf.fetcher import FetchRefused, TemplateFetcher
from reportgen.pdf.render import render_pdf
from reportgen.pipeline import generate
from reportgen.results import Warnings
from reportgen.templates import load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDER = ROOT / "templates" / "meeting-report"


class _Recording(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012  (a class-wide log is the point)

    def do_GET(self) -> None:
        _Recording.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    """A web server on 127.0.0.1 that records every request it gets."""
    web = http.server.HTTPServer(("127.0.0.1", 0), _Recording)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    _Recording.requests = []
    try:
        yield f"http://127.0.0.1:{web.server_port}"
    finally:
        web.shutdown()
        web.server_close()
        thread.join()


def write_input(path: Path, summary: str, *, template: str = "meeting-report") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "report:",
        "  title: Workshop on data",
        "  organizer: ODIHR",
        f"  template: {template}",
        "event: {name: Workshop, date: 2019-10-08, city: Vienna, country: Austria}",
        "topics:",
        "  - id: data",
        "    title: Data",
        "    summary: |",
        *(f"      {line}" for line in summary.splitlines()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pdf_words(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return " ".join(text.split())


def embedded_files_and_images(pdf: bytes) -> tuple[int, int]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        names = document.Root.get("/Names", {})
        files = len(names.get("/EmbeddedFiles", {}).get("/Names", [])) // 2
        annotations = sum(1 for page in document.pages for a in page.get("/Annots", [])
                          if a.get("/Subtype") == "/FileAttachment")  # fmt: skip
        images = {xobject.objgen for page in document.pages
                  for xobject in page.Resources.get("/XObject", {}).values()
                  if xobject.get("/Subtype") == "/Image"}  # fmt: skip
    return files + annotations, len(images)


def test_markup_typed_into_an_input_prints_literally_and_fetches_nothing(
    tmp_path: Path, server: str
) -> None:
    typed = [
        f"<img src={server}/summary.png>",
        f"<link rel=stylesheet href={server}/style.css>",
        "<a rel=attachment href=file:///etc/hostname>hostname</a>",
        f"<style>@import url({server}/import.css);</style>",
        f"<iframe src={server}/frame.html></iframe>",
    ]
    summary = "\n\n".join([
        *typed,
        f"A picture in Markdown: ![the pixel]({server}/pixel.png)",
        f"A link in Markdown: [the site]({server}/page.html)",
    ])  # fmt: skip
    source = write_input(tmp_path / "report.yaml", summary)
    outcome = generate(source, tmp_path / "out")

    assert _Recording.requests == []
    words = pdf_words(tmp_path / "out" / "report.pdf")
    for text in typed:
        assert text in words, text
    assert "A picture in Markdown: the pixel" in words
    # The same pictures as a report without the markup (the template's own), no attachment.
    plain = write_input(tmp_path / "plain" / "report.yaml", "Plain text.")
    generate(plain, tmp_path / "plain")
    assert embedded_files_and_images((tmp_path / "out" / "report.pdf").read_bytes()) == (
        embedded_files_and_images((tmp_path / "plain" / "report.pdf").read_bytes())
    )
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "out" / "report.docx")).paragraphs]
    for text in typed:
        assert text in paragraphs, text
    assert not any("leaves out" in str(m) for m in outcome.warnings)  # nothing even asked


@pytest.fixture()
def greedy_template(tmp_path: Path, server: str) -> Path:
    """The template, its print CSS extended to ask for resources from everywhere."""
    folder = tmp_path / "greedy-template"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      '<rect width="10" height="10" fill="red"/></svg>')  # fmt: skip
    (folder / "innocent.svg").symlink_to(secret)
    css = folder / "print.css"
    css.write_text(
        f'@import url("{server}/import.css");\n'
        + css.read_text(encoding="utf-8")
        + f"""
@font-face {{ font-family: "Brand Sans"; src: url({server}/brand.woff2); }}
h1 {{ background-image: url({server}/h1.png); }}
h2 {{ background-image: url(file:///etc/hostname); }}
p {{ background-image: url(innocent.svg); }}
li {{ background-image: url(../secret.svg); }}
""",
        encoding="utf-8",
    )
    return folder


def test_a_templates_css_loads_nothing_from_outside_the_template_folder(
    tmp_path: Path, server: str, greedy_template: Path
) -> None:
    source = write_input(tmp_path / "report.yaml", "- One point.\n- Another point.",
                         template=str(greedy_template))  # fmt: skip
    outcome = generate(source, tmp_path / "out")

    assert _Recording.requests == []
    refused = "\n".join(str(m) for m in outcome.warnings)
    for name in ("import.css", "brand.woff2", "h1.png", "/etc/hostname", "innocent.svg",
                 "secret.svg"):  # fmt: skip
        assert name in refused, name
    assert "reportgen loads nothing from outside the template folder" in refused
    assert "One point." in pdf_words(tmp_path / "out" / "report.pdf")


@pytest.mark.parametrize(
    "url",
    [
        "FILE:///etc/hostname",
        "file://fileserver/share/logo.png",
        "file://127.0.0.1/etc/hostname",
        "gopher://127.0.0.1/",
        "javascript:alert(1)",
        "about:blank",
        "//127.0.0.1:9/logo.png",
        "logo.svg",  # relative: WeasyPrint makes URLs absolute before it fetches
    ],
)
def test_the_fetcher_refuses_other_schemes_hosts_and_relative_urls(url: str) -> None:
    with pytest.raises(FetchRefused):
        TemplateFetcher(TEMPLATE_FOLDER).fetch(url)


def test_a_pdf_embeds_no_attachment_even_one_from_the_template_folder() -> None:
    template = load_template(TEMPLATE_FOLDER)
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        '<link rel="attachment" href="logo.svg" title="logo">'
        '<link rel="attachment" href="file:///etc/hostname"></head><body>'
        '<p><a rel="attachment" href="theme.yaml">theme</a> and '
        '<a rel="attachment" href="file:///etc/hostname">hostname</a>.</p></body></html>'
    )
    pdf = render_pdf(html, template, warnings=Warnings())
    assert embedded_files_and_images(pdf)[0] == 0
    assert b"/EmbeddedFile" not in pdf
