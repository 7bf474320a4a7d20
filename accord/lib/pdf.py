"""PDF from HTML with WeasyPrint, so the same Django templates print as PDF.

WeasyPrint needs the Pango libraries of the operating system. It is imported only when a PDF is
made, so Accord starts (and everything but PDFs works) on a machine without them.

Resources are fetched only from ``data:`` and ``file:`` URLs: a PDF is rendered on the server, and
an ``http:`` URL in a document would make the server fetch whatever address it names (SSRF).
Templates should inline their CSS and images.
"""

from __future__ import annotations

from typing import Any

ALLOWED_PROTOCOLS = frozenset({"data", "file"})
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


def _weasyprint() -> Any:
    try:
        import weasyprint  # imported here on purpose: see the module docstring
    except (ImportError, OSError) as exc:  # OSError: the Pango shared libraries are missing
        raise RuntimeError(
            "PDF output needs WeasyPrint and the Pango libraries; on Debian or Ubuntu install them "
            f"with: apt-get install {PANGO_PACKAGES} (and pip install weasyprint). Cause: {exc}"
        ) from exc
    return weasyprint


def _url_fetcher(weasyprint: Any) -> Any:
    """A fetcher limited to ``ALLOWED_PROTOCOLS`` (WeasyPrint 67+), or None (the default) before."""
    fetcher_class = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if fetcher_class is None:
        return None
    try:
        return fetcher_class(allowed_protocols=ALLOWED_PROTOCOLS)
    except TypeError:
        return None


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of a standalone HTML document (its CSS inline, or relative to ``base_url``)."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher(weasyprint))
    pdf: bytes = document.write_pdf()
    return pdf
