"""Server-drawn SVG charts: well-formed, escaped, accessible, and allowed by the site's Content-Security-Policy."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app.reports.charts import PALETTE, TimelineItem, bar_chart, line_chart, timeline

SVG = "{http://www.w3.org/2000/svg}"
REGIONS = ["Africa", "Americas and Caribbean", "Asia/Pacific", "Europe", "North of Africa, Near and Middle East"]
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, parsed to prove it well-formed)


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def having(root: ET.Element, css_class: str, tag: str = "*") -> list[ET.Element]:
    return [element for element in root.iter(f"{SVG}{tag}" if tag != "*" else tag) if css_class in classes(element)]


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def assert_accessible_and_csp_clean(root: ET.Element, title: str) -> None:
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and "chart" in classes(root)
    title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}title").text == title
    assert root.find(f"{SVG}desc").get("id") == desc_id and root.find(f"{SVG}desc").text
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    # The CSP allows no inline style, and there is no script to run.
    for element in root.iter():
        assert "style" not in element.attrib
        assert element.tag not in {f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject"}
        assert not any(name.startswith("on") for name in element.attrib)


def activity() -> dict[str, list[float]]:
    return {
        "Enrolments": [120, 80, 95, 140, 30],
        "Completions": [90, 40, 70, 100, 12],
        "Certificates": [85, 38, 66, 99, 10],
    }


def test_bar_chart_draws_a_bar_per_value_coloured_by_series():
    """Does the bar chart draw a bar per value, one colour per series, on a 0-based axis of round ticks?"""
    svg = bar_chart(REGIONS, activity(), title="Enrolments, completions and certificates by region")
    root = parse(svg)
    assert_accessible_and_csp_clean(root, "Enrolments, completions and certificates by region")
    bars = having(root, "bar", "rect")
    assert len(bars) == 15
    for number in range(3):
        in_series = [bar for bar in bars if f"series-{number}" in classes(bar)]
        assert len(in_series) == 5 and {bar.get("fill") for bar in in_series} == {PALETTE[number]}
    axis = having(root, "axis-y")[0]
    assert ["".join(text.itertext()) for text in axis.iter(f"{SVG}text")] == ["0", "50", "100", "150"]
    # Europe's enrolments (140) is the tallest bar, under the top of the axis (150).
    heights = {bar.find(f"{SVG}title").text: float(bar.get("height")) for bar in bars}
    assert max(heights, key=heights.get) == "Europe — Enrolments: 140"
    assert len(having(root, "legend")) == 1 and len(having(root, "legend-item")) == 3
    desc = root.find(f"{SVG}desc").text
    assert "5 categories, 3 series." in desc and "Enrolments: highest 140 (Europe), lowest 30" in desc


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        ([7], ["0", "2", "4", "6", "8"]),
        ([1], ["0", "1", "2", "3"]),
        ([0.42], ["0", "0.2", "0.4", "0.6"]),
        ([100.0, 12.5], ["0", "25", "50", "75", "100"]),
        ([987], ["0", "250", "500", "750", "1,000"]),
        ([45_000], ["0", "20K", "40K", "60K"]),
    ],
)
def test_y_axis_has_four_or_five_round_ticks_from_zero(values, ticks):
    """Does the y axis show four or five round values from 0, the last at or above the maximum?"""
    root = parse(bar_chart([f"L{i}" for i in range(len(values))], {"Value": values}, title="Ticks"))
    assert [text for text in texts(having(root, "axis-y")[0])] == ticks


def test_label_carrying_markup_is_escaped():
    """Is a label carrying markup escaped in the SVG?"""
    evil = "<script>alert(1)</script>"
    for chart in (bar_chart, line_chart):
        svg = chart([evil, "Customs & Excise", Markup("<b>bold</b>")], {"R&D <i>": [3, 2, 1]}, title="A & <b>B</b>")
        assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "Customs &amp; Excise" in svg
        root = parse(svg)
        assert_accessible_and_csp_clean(root, "A & <b>B</b>")
        assert evil in "".join(texts(root)) + "".join(title.text for title in root.iter(f"{SVG}title"))
        assert not list(root.iter(f"{SVG}script"))
    items = [TimelineItem(evil, date(2025, 1, 1), False), TimelineItem("Plan & <do>", date(2026, 1, 1), True)]
    svg = timeline(items, start=date(2024, 1, 1), end=date(2027, 1, 1), today=date(2025, 6, 1), title="<x>")
    assert "<script" not in svg and "<do>" not in svg
    parse(svg)


def test_empty_or_all_zero_chart_renders():
    """Does an empty or all-zero chart render without error?"""
    for chart in (bar_chart, line_chart):
        for labels, series in [([], {}), ([], {"A": []}), (["Jan"], {}), (["Jan", "Feb"], {"A": [None, None]})]:
            root = parse(chart(labels, series, title="Nothing yet"))
            assert_accessible_and_csp_clean(root, "Nothing yet")
            assert texts(root) == ["No data"]
        svg = chart(["Jan", "Feb"], {"A": [0, 0], "B": [0.0, 0.0]}, title="Zeros")
        assert not re.search(r"nan|inf", svg, re.IGNORECASE)
        root = parse(svg)
        assert texts(having(root, "axis-y")[0])[0] == "0" and "all values are zero" in root.find(f"{SVG}desc").text
    assert not having(parse(bar_chart(["Jan"], {"A": [0]}, title="Zero")), "legend")


def test_line_chart_marks_each_value_and_breaks_at_gaps():
    """Does the line chart put a marker on every value and break the line where a month has none?"""
    series = {"Enrolments": [12, 18, None, 30, 42, 38], "Completions": [2, 5, 9, 11, 14, 20]}
    root = parse(line_chart(MONTHS, series, title="Enrolments by month"))
    assert_accessible_and_csp_clean(root, "Enrolments by month")
    assert len(having(root, "point", "circle")) == 11
    lines = having(root, "line", "polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 3, 6]
    assert {line.get("stroke") for line in lines if "series-1" in classes(line)} == {PALETTE[1]}
    assert "Enrolments went from 12 (2025-01) to 38 (2025-06)." in root.find(f"{SVG}desc").text


def test_long_labels_are_cut_with_the_full_label_in_a_title():
    """Is a long label cut with an ellipsis, the full label kept in a <title>?"""
    long = "Administration des douanes et des droits indirects du Royaume"
    root = parse(bar_chart([long] * 6, {"Officers": [1, 2, 3, 4, 5, 6]}, title="Officers"))
    labels = having(having(root, "axis-x")[0], "label", "g")
    assert len(labels) == 6 and all(label.find(f"{SVG}title").text == long for label in labels)
    shown = [label.find(f"{SVG}text").text for label in labels]
    assert all(text.endswith("…") and len(text) < len(long) for text in shown)


def test_many_months_show_every_other_label_uncut():
    """Do two years of months show every second (third…) month label in full rather than cut ones?"""
    months = [
        f"{month} {year}"
        for year in (2024, 2025)
        for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    ]
    root = parse(line_chart(months, {"Enrolments": list(range(24))}, title="Two years"))
    shown = texts(having(root, "axis-x")[0])
    assert 4 <= len(shown) < 24 and set(shown) <= set(months) and shown[0] == "Jan 2024"


def test_more_series_than_colours_stay_distinct():
    """Past four series, do the colours come round again with a dashed line, while classes stay series-0..3?"""
    series = {f"Region {number}": [number, number + 1] for number in range(6)}
    root = parse(line_chart(["Jan", "Feb"], series, title="Six"))
    lines = having(root, "line", "polyline")
    assert [line.get("stroke-dasharray") for line in lines] == [None] * 4 + ["6 3"] * 2
    assert {css for element in root.iter() for css in classes(element) if css.startswith("series-")} == {
        "series-0",
        "series-1",
        "series-2",
        "series-3",
    }


def test_series_longer_than_labels_is_refused():
    """Is a series whose length differs from the labels refused?"""
    with pytest.raises(ValueError, match="has 3 values for 2 labels"):
        bar_chart(["A", "B"], {"S": [1, 2, 3]}, title="Wrong")


def test_same_data_same_svg_and_distinct_ids():
    """Does the same data give the same SVG, and another chart other ids?"""
    one = bar_chart(["A"], {"S": [1]}, title="One")
    assert one == bar_chart(["A"], {"S": [1]}, title="One")
    assert parse(one).get("aria-labelledby") != parse(bar_chart(["A"], {"S": [2]}, title="One")).get("aria-labelledby")


def project() -> list[TimelineItem]:
    return [
        TimelineItem("Inception report", date(2024, 3, 31), True, date(2024, 3, 20)),
        TimelineItem("Curriculum validated by the regional offices", date(2024, 11, 30), True),
        TimelineItem("First cohort certified", date(2025, 4, 30), False),
        TimelineItem("Mid-term evaluation", date(2025, 12, 31), False),
        TimelineItem("Handover to the national academies", date(2027, 6, 30), False),
    ]


def test_timeline_marks_overdue_and_done_milestones():
    """Does the timeline mark overdue and done milestones?"""
    today = date(2025, 9, 15)
    svg = timeline(project(), start=date(2024, 1, 1), end=date(2027, 12, 31), today=today, title="Project milestones")
    root = parse(svg)
    assert_accessible_and_csp_clean(root, "Project milestones")
    markers = having(root, "milestone")
    assert [sorted(classes(marker) - {"milestone"}) for marker in markers] == [
        ["done"],
        ["done"],
        ["overdue"],
        ["planned"],
        ["planned"],
    ]
    done, overdue, planned = markers[0], markers[2], markers[3]
    assert done.tag == f"{SVG}circle" and done.get("fill") != "#ffffff"
    assert overdue.tag == f"{SVG}path" and overdue.get("fill") not in {done.get("fill"), "#ffffff"}
    assert planned.tag == f"{SVG}circle" and planned.get("fill") == "#ffffff"
    rows = having(root, "milestone-row", "g")
    assert rows[0].find(f"{SVG}title").text == "Inception report — done on Mar 20, 2024 (due Mar 31, 2024)"
    assert rows[2].find(f"{SVG}title").text == "First cohort certified — overdue by 138 days (due Apr 30, 2025)"
    desc = root.find(f"{SVG}desc").text
    assert "5 milestones: 2 done, 1 overdue, 2 planned." in desc
    assert "Overdue: First cohort certified (due Apr 30, 2025)." in desc


def test_timeline_axis_today_and_height():
    """Does the timeline mark each year and today, put markers in date order, and grow with its milestones?"""
    start, end, today = date(2024, 1, 1), date(2027, 12, 31), date(2025, 9, 15)
    root = parse(timeline(project(), start=start, end=end, today=today, title="Milestones"))
    assert texts(having(root, "axis-x")[0]) == ["2024", "2025", "2026", "2027"]
    (line,) = having(root, "today", "g")[0].iter(f"{SVG}line")
    xs = [float(marker.get("cx") or marker.get("d").split()[0][1:]) for marker in having(root, "milestone")]
    assert xs == sorted(xs) and xs[2] < float(line.get("x1")) < xs[3]
    taller = timeline(project() * 3, start=start, end=end, today=today, title="Milestones")
    assert int(parse(taller).get("height")) > int(root.get("height"))
    # Outside the project's years there is no today line, and no milestone is still a picture.
    root = parse(timeline([], start=start, end=end, today=date(2030, 1, 1), title="None"))
    assert not having(root, "today", "g") and "No milestones" in texts(root)


def test_timeline_cuts_long_titles():
    """Is a long milestone title cut beside its marker, the full title kept in the row's <title>?"""
    title = "Regional workshop on data governance and the WCO Data Model for all member administrations " * 2
    items = [TimelineItem(title, date(2025, 6, 1), False)]
    root = parse(timeline(items, start=date(2025, 1, 1), end=date(2025, 12, 31), today=date(2025, 1, 2), title="T"))
    (row,) = having(root, "milestone-row", "g")
    assert row.find(f"{SVG}title").text.startswith(title.strip())
    assert row.find(f"{SVG}text").text.endswith("…") and len(row.find(f"{SVG}text").text) < len(title)


def test_timeline_refuses_an_end_before_its_start():
    """Is a timeline whose end comes before its start refused?"""
    with pytest.raises(ValueError, match="before it starts"):
        timeline([], start=date(2025, 1, 1), end=date(2024, 1, 1), today=date(2025, 1, 1), title="T")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=4), st.text(max_size=40))
def test_any_text_gives_well_formed_svg(labels, name):
    """Does any text at all, control characters included, give well-formed XML?"""
    values = list(range(len(labels)))
    for chart in (bar_chart, line_chart):
        parse(chart(labels, {name: values, "Other": values}, title=name))
    items = [TimelineItem(label, date(2025, 1, 1), False) for label in labels]
    parse(timeline(items, start=date(2024, 1, 1), end=date(2026, 1, 1), today=date(2025, 6, 1), title=name))


def test_a_french_timeline_writes_its_days_the_french_way(app):
    """Does a milestone's tooltip on a French page say its days as French writes them, not as ISO dates?"""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("fr"):
        svg = timeline(project(), start=date(2024, 1, 1), end=date(2027, 12, 31), today=date(2025, 9, 15), title="T")
    titles = [row.find(f"{SVG}title").text for row in having(parse(svg), "milestone-row", "g")]
    assert titles[0] == "Inception report — atteint le 20 mars 2024 (échéance 31 mars 2024)"
    assert "2025-04-30" not in svg and "30 avr. 2025" in svg
