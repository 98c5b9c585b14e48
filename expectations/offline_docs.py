"""Data Docs a steward can open without an internet connection.

Great Expectations' pages load Bootstrap, jQuery, Font Awesome and Vega from public CDNs; offline, or
behind a firewall that blocks them, a steward sees an unstyled page of GX internals. After GX writes
a site, every reference to a remote stylesheet, script or image is removed and a small stylesheet kept
beside this module (``templates/data_docs.css``) is inlined. The overview page above the suites is
rendered from ``templates/docs_overview.html`` with autoescaping, so a value from a source file can
never become markup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2

from cleansing.safe_export import write_text_atomically

TEMPLATES = Path(__file__).resolve().parent / "templates"
SUMMARY_FILE = "summary.json"
_REMOTE = r"""["']https?://[^"']*["']"""
_REMOTE_TAGS = (
    re.compile(rf"<link\b[^>]*href={_REMOTE}[^>]*>", re.IGNORECASE),
    re.compile(rf"<script\b[^>]*src={_REMOTE}[^>]*>\s*</script>", re.IGNORECASE | re.DOTALL),
    re.compile(rf"<img\b[^>]*src={_REMOTE}[^>]*/?>", re.IGNORECASE | re.DOTALL),
)
_REMOTE_CSS_URL = re.compile(r"url\(\s*['\"]?https?://[^)]*\)", re.IGNORECASE)


def offline_css() -> str:
    return (TEMPLATES / "data_docs.css").read_text(encoding="utf-8")


def strip_remote_assets(page: str, css: str | None = None) -> str:
    """``page`` without remote stylesheets, scripts and images, with the offline stylesheet inlined."""
    for pattern in _REMOTE_TAGS:
        page = pattern.sub("", page)
    style = f"<style>{css if css is not None else offline_css()}</style>"
    if "</head>" in page:
        return page.replace("</head>", style + "</head>", 1)
    return style + page


def make_site_offline(site_dir: Path) -> int:
    """Rewrite every page and stylesheet of a GX Data Docs site to load nothing remote; return pages changed."""
    css = offline_css()
    changed = 0
    for path in Path(site_dir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offline = strip_remote_assets(text, css) if "data-offline" not in text else text
        offline = (
            offline.replace("<html", '<html data-offline="channel-mdm"', 1) if offline != text else offline
        )
        if offline != text:
            write_text_atomically(path, offline)
            changed += 1
    for path in Path(site_dir).rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        cleaned = _REMOTE_CSS_URL.sub("none", text)
        if cleaned != text:
            write_text_atomically(path, cleaned)
    return changed


def write_suite_summary(suite_dir: Path, summary: dict) -> Path:
    """Save one suite's latest counts beside its site, for the overview page."""
    return write_text_atomically(
        Path(suite_dir) / SUMMARY_FILE, json.dumps(summary, ensure_ascii=False, indent=2, default=str)
    )


def write_docs_overview(data_docs_dir: Path) -> Path:
    """Write ``index.html`` in ``data_docs_dir``: each suite's verdict and rule counts, linking its GX site."""
    suites = []
    for summary in sorted(Path(data_docs_dir).glob(f"*/{SUMMARY_FILE}")):
        if (summary.parent / "index.html").exists():
            suites.append(json.loads(summary.read_text(encoding="utf-8")))
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = environment.get_template("docs_overview.html").render(suites=suites, css=offline_css())
    return write_text_atomically(Path(data_docs_dir) / "index.html", page)
