"""Page assembly: the Jinja2 template, the chart specs and the Vega JavaScript in one HTML file.

The page refers to nothing outside itself: the Vega, Vega-Lite and Vega-Embed libraries are
inlined once (vl-convert bundles them), styles are inline, and a Content-Security-Policy
forbids the browser to fetch anything, so opening it offline is the same as opening it online.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import platformdirs
import vl_convert
from markupsafe import Markup

from turntoward._runtime import write_whole
from turntoward.report.charts import Chart
from turntoward.report.view import ReportView

CACHE_ENV = "TURNTOWARD_CACHE_DIR"
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def _cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("turntoward"))


@cache
def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (global `vegaEmbed`).

    Bundling takes vl-convert a few seconds, so the result is kept in the user's cache folder,
    keyed by the vl-convert version: it is the same library code for every report.
    """
    path = _cache_dir() / f"vega-bundle-{vl_convert.__version__}.js"  # type: ignore[attr-defined]  # not in its stub
    try:
        return path.read_text("utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # its stub wants a snippet; it is optional
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, lambda fh: fh.write(bundle))
    except OSError:
        pass  # an unwritable cache only costs time
    return bundle


def _script_safe(text: str) -> str:
    """Script text that cannot end the <script> element it sits in.

    Only the sequences the HTML parser reacts to are touched; ``<\\/script`` means the same in a
    JavaScript string or regular expression, while a blanket ``</`` replacement would not.
    """
    return _SCRIPT_END.sub(lambda m: "<\\/" + m.group(1), text).replace("<!--", "<\\x21--")


def _json_for_script(value: Any) -> str:
    # <, > and & as JSON escapes: still valid JSON, and never markup inside the page.
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("turntoward.report", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda v: "-" if v is None else f"{v:.0%}"
    return env


@cache
def _stylesheet() -> str:
    return resources.files("turntoward.report").joinpath("templates/report.css").read_text("utf-8")


def render_html(view: ReportView, charts: dict[str, Chart], conversation_charts: list[dict[str, Chart]]) -> str:
    """The complete, self-contained page."""
    specs = {c.id: c.spec for c in charts.values()}
    for group in conversation_charts:
        specs.update({c.id: c.spec for c in group.values()})
    template = _environment().get_template("report.html.j2")
    return template.render(
        view=view, charts=charts, conversation_charts=conversation_charts,
        specs_json=Markup(_json_for_script(specs)),
        vega_bundle=Markup(_script_safe(javascript_bundle())),
        css=Markup(_stylesheet()),
    )
