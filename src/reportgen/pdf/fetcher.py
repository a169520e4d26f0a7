"""The only way WeasyPrint may load a resource: data: URLs and files of the template folder."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..results import Warnings
from .patches import import_weasyprint

import_weasyprint()  # the first import of WeasyPrint goes through it (see patches.py)

from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402


class FetchRefused(ValueError):
    """Raised for a URL outside the template folder; WeasyPrint then skips the resource."""


class TemplateFetcher(URLFetcher):
    """Fetches ``data:`` URLs, and ``file:`` URLs whose real path is inside ``folder``.

    ``folder`` may be a template's folders (``Template.folders``): its own and
    those of the templates it extends, whose files (print CSS, fonts) it uses.
    Everything else — http, https, ftp, files elsewhere, symlinks leading out
    of the folders — is refused and noted in ``warnings`` (DESIGN.md, invariant 4).
    """

    def __init__(self, folder: Path | Sequence[Path], warnings: Warnings | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)
        folders = [folder] if isinstance(folder, Path) else list(folder)
        self.roots = tuple(f.resolve() for f in folders)
        self.root = self.roots[0]
        self.warnings = warnings
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._template_file(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        if self.warnings is not None:
            shown = url if len(url) <= 80 else url[:30] + "…" + url[-49:]
            self.warnings.warn(
                f"the PDF leaves out {shown}: reportgen loads nothing from outside "
                "the template folder"
            )
        raise FetchRefused(f"not fetched (outside the template folder): {url[:200]}")

    def _template_file(self, url: str) -> Path | None:
        """The file a ``file:`` URL names, if it really lies in the template folder."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            # resolve() follows symlinks: a link inside the folder that points
            # outside it is judged by where it leads.
            path = Path(url2pathname(parts.path)).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        root = next((r for r in self.roots if path.is_relative_to(r)), None)
        if root is None:
            return None
        if not path.is_file():
            raise FileNotFoundError(f"no file {path.relative_to(root)} in the template folder")
        return path
