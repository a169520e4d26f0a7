"""The peer tools, each run as its own process on the same content as reportgen.

    python bench/peers.py docxtpl INPUT.yaml OUT.docx [--template T.docx]
    python bench/peers.py python-docx INPUT.yaml OUT.docx
    python bench/peers.py weasyprint INPUT.yaml OUT.pdf
    python bench/peers.py pandoc INPUT.yaml OUT.docx
    python bench/peers.py template T.docx        (build the docxtpl template once)

Each command imports only what that route needs, as a user's script would.
LibreOffice (the PDF half of the docxtpl route, and the publish comparison) is
run directly by bench/run.py as ``soffice --headless --convert-to pdf``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATES = HERE / "templates"
LOGO = ROOT / "templates" / "meeting-report" / "logo.svg"


def weasyprint_pdf(source: Path, output: Path) -> None:
    """Plain Jinja2 HTML → WeasyPrint: the PDF a user gets without reportgen."""
    import content
    import jinja2
    from markupsafe import Markup
    from weasyprint import HTML

    md = content.markdown()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    ctx = content.load(source)
    ctx["md"] = lambda text: Markup(md.render(text or ""))  # noqa: S704 (Markdown, html off)
    ctx["md_inline"] = lambda text: Markup(md.renderInline(text or ""))  # noqa: S704
    ctx["css"] = Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))  # noqa: S704
    ctx["logo"] = LOGO.as_uri()
    toc = [
        {"level": 1, "id": i, "text": t}
        for i, t in (
            ("summary", "Executive summary"),
            ("introduction", "Introduction"),
            ("discussions", "Summary of the discussions"),
        )
    ]
    toc += [
        {"level": 2, "id": f"topic-{n}", "text": t["title"]} for n, t in enumerate(ctx["topics"], 1)
    ]
    toc.append({"level": 1, "id": "recommendations", "text": "Recommendations"})
    toc += [
        {"level": 2, "id": f"recs-{n}", "text": g["heading"]}
        for n, g in enumerate(ctx["rec_groups"], 1)
    ]
    toc.append({"level": 1, "id": "follow-up", "text": "Follow-up"})
    if ctx["agenda"]:
        toc.append({"level": 1, "id": "agenda", "text": "Annex 1: Agenda"})
    if ctx["participants"]:
        toc.append({"level": 1, "id": "participants", "text": ctx["participants_annex"]})
    ctx["toc"] = toc
    html = env.get_template("report.html.j2").render(ctx)
    HTML(string=html, base_url=str(ROOT)).write_pdf(str(output))


def pandoc_docx(source: Path, output: Path) -> None:
    """pandoc Markdown → DOCX through pypandoc-binary."""
    import content
    import jinja2
    import pypandoc

    # Markdown out, not HTML: nothing to escape.
    env = jinja2.Environment(  # noqa: S701
        loader=jinja2.FileSystemLoader(TEMPLATES), keep_trailing_newline=True
    )
    text = env.get_template("report.md.j2").render(content.load(source))
    pypandoc.convert_text(text, "docx", format="markdown", outputfile=str(output))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "peer", choices=["docxtpl", "python-docx", "weasyprint", "pandoc", "template"]
    )
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--template", type=Path, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    if args.peer == "template":
        from docx_peers import build_template

        build_template(args.paths[0])
        return 0
    source, output = args.paths
    if args.peer == "docxtpl":
        from docx_peers import render_docxtpl

        template = args.template or output.with_name("docxtpl-template.docx")
        if not template.exists():
            from docx_peers import build_template

            build_template(template)
        render_docxtpl(source, template, output)
    elif args.peer == "python-docx":
        from docx_peers import build_python_docx

        build_python_docx(source, output)
    elif args.peer == "weasyprint":
        weasyprint_pdf(source, output)
    else:
        pandoc_docx(source, output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
