"""The report's charts: Altair (Vega-Lite) specs built from the report's aggregates, nothing else.

Each builder is a pure function of a view and returns a `Chart`: a title that says what to
see, a text alternative that says the same in words (for screen readers and for anyone), and
a Vega-Lite spec with its (small, aggregated) data inline. Colours come from the Okabe-Ito
palette, which stays distinct for the common kinds of colour blindness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt

from turntoward.report.view import ConversationView, ReportView

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour vision.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OUTCOME_COLOURS = {"toward": "#0072B2", "away": "#E69F00", "against": "#D55E00"}
WIDTH = 560
# A conflict chart draws each episode; past this many, only the latest (the page stays small).
MAX_EPISODE_POINTS = 300


@dataclass(slots=True)
class Chart:
    """One chart of the report."""

    id: str
    title: str
    alt: str
    spec: dict[str, Any]


# Charts are declared against this named placeholder; `_finish` puts the rows in afterwards, as
# plain JSON, because Altair converting thousands of rows through its schema classes is slow.
ROWS = alt.Data(name="rows")


def _with_rows(node: Any, rows: list[dict[str, Any]]) -> Any:
    if isinstance(node, dict):
        if node.get("data") == {"name": "rows"}:
            node = {**node, "data": {"values": rows}}
        return {k: _with_rows(v, rows) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_rows(v, rows) for v in node]
    return node


def _finish(chart: alt.TopLevelMixin, title: str, subtitle: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    spec = chart.properties(title=alt.TitleParams(title, subtitle=subtitle, anchor="start")).configure_view(
        stroke=None).configure_axis(labelFontSize=11, titleFontSize=12).configure_legend(
        labelFontSize=11, titleFontSize=12, orient="bottom", labelLimit=400, columns=2).to_dict(validate=False)
    spec.pop("$schema", None)  # a URL: the page refers to nothing outside itself
    return _with_rows(spec, rows)


def _time_axis(first: str, last: str, fmt_short: str = "%b %Y") -> alt.Axis:
    """Month ticks over a year or so, year ticks beyond: never the same label twice."""
    try:
        days = (date.fromisoformat(last[:10]) - date.fromisoformat(first[:10])).days
    except ValueError:
        days = 0
    if days > 800:
        return alt.Axis(format="%Y", tickCount="year", labelOverlap=True)
    if days > 400:
        return alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 3}, labelOverlap=True)
    return alt.Axis(format=fmt_short, tickCount="month", labelOverlap=True)


def _span(v: ConversationView, *, monthly: bool = False) -> alt.Scale:
    """A time scale over the whole conversation, so an empty or sparse series still has an axis."""
    if v.first == "-":
        return alt.Scale()
    first = v.first[:8] + "01" if monthly else v.first
    return alt.Scale(domain=[first + "T00:00:00", v.last + "T23:59:59"])


def _people_scale(people: list[str]) -> alt.Scale:
    return alt.Scale(domain=people, range=list(OKABE_ITO[: max(1, len(people))]))


def _pct(rate: float | None) -> str:
    return "no bids received" if rate is None else f"{rate:.0%}"


def turn_toward_rate(v: ConversationView, reference: dict[str, Any]) -> Chart:
    """Turn-toward rate per person beside the 86% / 33% illustration."""
    together, apart = reference["turn_toward"]["together"], reference["turn_toward"]["apart"]
    rows = [{"person": b.person, "rate": b.turn_toward_rate, "received": b.received}
            for b in v.bids if b.turn_toward_rate is not None]
    refs = [{"rate": together, "label": f"about {together:.0%}: couples still together years later"},
            {"rate": apart, "label": f"about {apart:.0%}: couples who later split"}]
    bars = alt.Chart(ROWS).mark_bar(color=OUTCOME_COLOURS["toward"]).encode(
        y=alt.Y("person:N", title=None, sort=None),
        x=alt.X("rate:Q", title="share of bids received that were turned toward",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("person:N"), alt.Tooltip("rate:Q", format=".0%"), alt.Tooltip("received:Q")])
    rules = alt.Chart(alt.Data(values=refs)).mark_rule(strokeDash=[4, 3], color="#444").encode(x="rate:Q")
    labels = alt.Chart(alt.Data(values=refs)).mark_text(align="left", dx=4, dy=-4, fontSize=10, color="#444",
                                                        baseline="bottom").encode(
        x="rate:Q", y=alt.value(0), text="label:N")
    chart = alt.layer(bars, rules, labels).properties(width=WIDTH, height=max(60, 34 * len(rows)))
    alt_text = "; ".join(f"{b.person} turned toward {_pct(b.turn_toward_rate)} of {b.received} bids received"
                         for b in v.bids)
    title = "How often each person turned toward the bids they received"
    return Chart(f"{v.anchor}-rate", title, alt_text + f". Dashed lines: about {together:.0%} and {apart:.0%} "
                 "(Gottman, group averages, illustration only).",
                 _finish(chart, title, "Dashed lines: group averages from Gottman's book, an illustration, "
                         "not a prediction", rows))


def bids_by_kind(v: ConversationView) -> Chart:
    """Bids of each kind, stacked by how they were answered."""
    outcomes = list(OUTCOME_COLOURS)
    chart = alt.Chart(ROWS).mark_bar().encode(
        y=alt.Y("kind:N", title=None, sort="-x"),
        x=alt.X("sum(bids):Q", title="bids"),
        color=alt.Color("outcome:N", title="answered", scale=alt.Scale(domain=outcomes,
                                                                       range=list(OUTCOME_COLOURS.values()))),
        order=alt.Order("outcome_order:Q"),
        tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("outcome:N"), alt.Tooltip("bids:Q")],
    ).transform_calculate(outcome_order="indexof(['toward','away','against'], datum.outcome)").properties(
        width=WIDTH, height=max(80, 22 * len({r["kind"] for r in v.by_kind})))
    totals: dict[str, dict[str, int]] = {}
    for r in v.by_kind:
        totals.setdefault(r["kind"], {}).setdefault(r["outcome"], 0)
        totals[r["kind"]][r["outcome"]] += r["bids"]
    alt_text = "; ".join(f"{k}: " + ", ".join(f"{n} {o}" for o, n in sorted(t.items()))
                         for k, t in sorted(totals.items(), key=lambda kv: -sum(kv[1].values())))
    title = "Which kinds of bid were made, and how they were answered"
    return Chart(f"{v.anchor}-kinds", title, alt_text or "no bids",
                 _finish(chart, title, "Blue: turned toward; orange: turned away; red: turned against", v.by_kind))


def turn_toward_over_time(v: ConversationView) -> Chart:
    """Monthly turn-toward rate per person."""
    rows = [{k: r[k] for k in ("month", "person", "turn_toward", "bids_received")}
            for r in v.monthly if r["turn_toward"] is not None and r["bids_received"] >= 3]
    chart = alt.Chart(ROWS).mark_line(point=True).encode(
        x=alt.X("month:T", title=None, axis=_time_axis(v.first, v.last), scale=_span(v, monthly=True)),
        y=alt.Y("turn_toward:Q", title="turned toward", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("person:N", title=None, scale=_people_scale(v.people)),
        strokeDash=alt.StrokeDash("person:N", legend=None),
        tooltip=[alt.Tooltip("person:N"), alt.Tooltip("month:T", format="%B %Y"),
                 alt.Tooltip("turn_toward:Q", format=".0%"), alt.Tooltip("bids_received:Q")],
    ).properties(width=WIDTH, height=180)
    alt_text = _series_text(rows, "turn_toward", lambda x: f"{x:.0%}") or "too few bids per month to draw"
    title = "Turning toward, month by month"
    return Chart(f"{v.anchor}-toward-time", title, alt_text,
                 _finish(chart, title, "Months with fewer than three bids received are left out", rows))


def reply_latency(v: ConversationView) -> Chart:
    """Median reply time per person per month (log scale: minutes to days)."""
    rows = [{k: r[k] for k in ("month", "person", "reply_minutes")}
            for r in v.monthly if r["reply_minutes"] is not None and r["reply_minutes"] > 0]
    chart = alt.Chart(ROWS).mark_line(point=True).encode(
        x=alt.X("month:T", title=None, axis=_time_axis(v.first, v.last), scale=_span(v, monthly=True)),
        y=alt.Y("reply_minutes:Q", title="median minutes to reply (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("person:N", title=None, scale=_people_scale(v.people)),
        strokeDash=alt.StrokeDash("person:N", legend=None),
        tooltip=[alt.Tooltip("person:N"), alt.Tooltip("month:T", format="%B %Y"),
                 alt.Tooltip("reply_minutes:Q", title="median minutes")],
    ).properties(width=WIDTH, height=180)
    alt_text = _series_text(rows, "reply_minutes", lambda x: f"{x:g} min") or "no replies to time"
    title = "How quickly each person replies, month by month"
    return Chart(f"{v.anchor}-latency", title, alt_text,
                 _finish(chart, title, "Lower is quicker; replies after a long silence (a new day) are not counted",
                         rows))


def conflict_timeline(v: ConversationView, reference: dict[str, Any]) -> Chart:
    """Each conflict episode on a time line: its size, whether it was repaired, its ratio."""
    shown = v.episodes[-MAX_EPISODE_POINTS:]
    rows: list[dict[str, Any]] = [{"start": e.start, "negative": e.negative, "positive": e.positive, "ref": e.ref,
             "repaired": "repaired" if e.repaired else "not repaired",
             "ratio": e.ratio if e.ratio is not None else 0} for e in shown]
    target = reference["ratio"]["ratio"]
    points = alt.Chart(ROWS).mark_point(size=120, filled=True).encode(
        x=alt.X("start:T", title=None, axis=_time_axis(v.first, v.last), scale=_span(v)),
        y=alt.Y("ratio:Q", title="positive : negative messages"),
        color=alt.Color("repaired:N", title=None, scale=alt.Scale(domain=["repaired", "not repaired"],
                                                                  range=[OKABE_ITO[2], OKABE_ITO[5]])),
        shape=alt.Shape("repaired:N", scale=alt.Scale(domain=["repaired", "not repaired"],
                                                      range=["circle", "triangle-down"]), legend=None),
        tooltip=[alt.Tooltip("start:T", format="%Y-%m-%d %H:%M"), alt.Tooltip("ref:N", title="explain"),
                 alt.Tooltip("negative:Q"), alt.Tooltip("positive:Q"), alt.Tooltip("repaired:N")])
    rule = alt.Chart(alt.Data(values=[{"ratio": target}])).mark_rule(strokeDash=[4, 3], color="#444").encode(
        y="ratio:Q")
    chart = alt.layer(rule, points).properties(width=WIDTH, height=180)
    alt_text = "; ".join(f"{r['start'][:10]}: {r['negative']} negative and {r['positive']} positive messages, "
                         f"{r['repaired']}" for r in rows[-12:]) or "no conflict episodes"
    if len(v.episodes) > 12:
        repaired = sum(e.repaired for e in v.episodes)
        alt_text = (f"{len(v.episodes)} episodes from {v.episodes[0].start[:10]} to {v.episodes[-1].start[:10]}, "
                    f"{repaired} repaired; the latest 12: " + alt_text)
    title = "Conflict episodes over time, against the 5:1 guide"
    subtitle = (f"Dashed line: {target:g} positive moments for each negative one (Gottman & Levenson); "
                "green circles were repaired, red triangles were not")
    if len(shown) < len(v.episodes):
        subtitle += f"; the latest {len(shown)} of {len(v.episodes)} episodes"
    return Chart(f"{v.anchor}-conflict", title, alt_text, _finish(chart, title, subtitle, rows))


def rarer(v: ConversationView) -> Chart:
    """Messages per week, to see whether communication is getting rarer."""
    chart = alt.Chart(ROWS).mark_area(
        line={"color": OKABE_ITO[0]}, color=OKABE_ITO[4], opacity=0.5).encode(
        x=alt.X("week:T", title=None, axis=_time_axis(v.first, v.last)),
        y=alt.Y("messages:Q", title="messages per week"),
        tooltip=[alt.Tooltip("week:T", format="%Y-%m-%d", title="week of"), alt.Tooltip("messages:Q"),
                 alt.Tooltip("active_days:Q"), alt.Tooltip("words_per_message:Q")],
    ).properties(width=WIDTH, height=150)
    counts = [r["messages"] for r in v.weekly]
    q = max(1, len(counts) // 4)
    alt_text = (f"{len(counts)} weeks; about {sum(counts[:q]) / q:.0f} messages a week in the first quarter, "
                f"{sum(counts[-q:]) / q:.0f} in the last" if counts else "no messages")
    title = "Messages per week: is communication getting rarer?"
    return Chart(f"{v.anchor}-rarer", title, alt_text, _finish(chart, title, "Silent weeks count as zero", v.weekly))


def reciprocity(v: ConversationView) -> Chart:
    """Who makes the bids and who reaches out first (starts a conversation after a silence)."""
    rows = [{"person": b.person, "measure": m, "count": n}
            for b in v.bids for m, n in (("bids made", b.made), ("conversations started", b.initiations))]
    chart = alt.Chart(ROWS).mark_bar().encode(
        y=alt.Y("person:N", title=None, sort=None),
        x=alt.X("count:Q", title=None, axis=alt.Axis(tickCount=4, labelOverlap=True)),
        color=alt.Color("person:N", legend=None, scale=_people_scale(v.people)),
        column=alt.Column("measure:N", title=None, header=alt.Header(labelFontSize=12)),
        tooltip=[alt.Tooltip("person:N"), alt.Tooltip("measure:N"), alt.Tooltip("count:Q")],
    ).properties(width=WIDTH // 2 - 20, height=max(60, 26 * len(v.bids))).resolve_scale(x="independent")
    alt_text = "; ".join(f"{b.person} made {b.made} bids and started {b.initiations} conversations"
                         for b in v.bids)
    title = "Who reaches out: bids made and conversations started"
    return Chart(f"{v.anchor}-reciprocity", title, alt_text,
                 _finish(chart, title, "Give more than you get; take the first step", rows))


def contact(view: ReportView) -> Chart:
    """Messages per month in each conversation, to see who you are drifting from."""
    names = list(dict.fromkeys(r["conversation"] for r in view.contact))
    months = sorted(r["month"] for r in view.contact) or [""]
    chart = alt.Chart(ROWS).mark_line(point=True).encode(
        x=alt.X("month:T", title=None, axis=_time_axis(months[0], months[-1])),
        y=alt.Y("messages:Q", title="messages per month"),
        color=alt.Color("conversation:N", title=None, scale=_people_scale(names)),
        strokeDash=alt.StrokeDash("conversation:N", legend=None),
        tooltip=[alt.Tooltip("conversation:N"), alt.Tooltip("month:T", format="%B %Y"), alt.Tooltip("messages:Q")],
    ).properties(width=WIDTH, height=200)
    alt_text = _series_text(view.contact, "messages", lambda x: f"{x:g} messages", key="conversation",
                            when="month")
    title = "Contact across your relationships, month by month"
    return Chart("across-contact", title, alt_text,
                 _finish(chart, title, "A line heading down is a drift to notice", view.contact))


def checkins(view: ReportView) -> Chart:
    """Check-in measures over time (drawn only when check-ins exist)."""
    several = len({r["person"] for r in view.checkins}) > 1
    rows = [dict(r, series=f"{r['measure']} ({r['person']})" if several else r["measure"]) for r in view.checkins]
    names = list(dict.fromkeys(r["series"] for r in rows))
    days = sorted(r["date"] for r in rows) or [""]
    chart = alt.Chart(ROWS).mark_line(point=True).encode(
        x=alt.X("date:T", title=None, axis=_time_axis(days[0], days[-1], "%d %b")),
        y=alt.Y("value:Q", title="how strongly the sign shows (0 to 1)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", title=None, scale=_people_scale(names)),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("value:Q")],
    ).properties(width=WIDTH, height=200)
    alt_text = _series_text(rows, "value", lambda x: f"{x:g}", key="series", when="date")
    title = "Your check-ins over time"
    subtitle = "Each line is one sign of disconnection; higher means it shows more"
    return Chart("checkins", title, alt_text, _finish(chart, title, subtitle, rows))


def _series_text(rows: list[dict[str, Any]], field: str, fmt: Any, *, key: str = "person",
                 when: str = "month") -> str:
    """Words for a line chart: each line's first and last value, with their dates."""
    lines: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        lines.setdefault(r[key], []).append(r)
    parts = []
    for name, rs in lines.items():
        rs.sort(key=lambda r: r[when])
        first, last = rs[0], rs[-1]
        parts.append(f"{name}: {fmt(first[field])} in {first[when][:7]}, {fmt(last[field])} in {last[when][:7]}")
    return "; ".join(parts)


def conversation_charts(v: ConversationView, reference: dict[str, Any]) -> dict[str, Chart]:
    """Every chart of one conversation's section, by role."""
    charts = {"rate": turn_toward_rate(v, reference), "kinds": bids_by_kind(v),
              "toward_time": turn_toward_over_time(v), "latency": reply_latency(v), "rarer": rarer(v),
              "reciprocity": reciprocity(v)}
    if v.episodes:
        charts["conflict"] = conflict_timeline(v, reference)
    return charts
