"""The traffic-light rule (app/directorate/results.py: judge), as properties over any figures."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.directorate.results import Thresholds, expected_share, judge, share

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
thresholds = st.tuples(st.floats(0.05, 1.0), st.floats(0.0, 1.0)).map(
    lambda pair: Thresholds(on_track=pair[0], at_risk=pair[0] * pair[1] * 0.999, period_days=365)
)


@pytest.fixture(autouse=True)
def _context(app):
    """The light's reason is translated: it needs the app's context."""
    with app.test_request_context():
        yield


@given(baseline=values, target=values, current=values)
def test_progress_is_zero_at_the_baseline_and_one_at_the_target(baseline, target, current):
    """Is progress 0 at the baseline and 1 at the target, whichever way the range runs?"""
    assume(abs(target - baseline) > 1e-6)
    assert share(baseline, target, baseline) == 0
    assert share(baseline, target, target) == pytest.approx(1)


@given(baseline=values, gap=st.floats(0.01, 1e5), a=st.floats(0, 1), b=st.floats(0, 1))
def test_lower_is_better_counts_a_fall_as_progress(baseline, gap, a, b):
    """With the target below the baseline, does a lower value always mean more progress?"""
    target = baseline - gap
    low, high = sorted((a, b))
    nearer, further = baseline - high * gap, baseline - low * gap
    assert share(baseline, target, nearer) >= share(baseline, target, further) - 1e-9
    assert share(baseline, target, baseline - gap / 2) == pytest.approx(0.5)


@given(value=values, current=values, start=days, length=st.integers(1, 5000), on=days)
def test_a_zero_width_range_cannot_be_measured(value, current, start, length, on):
    """Is an indicator whose target equals its baseline reported as not measurable, never on or off track?"""
    light = judge(
        baseline=value,
        target=value,
        baseline_date=start,
        target_date=start + timedelta(days=length),
        current=current,
        on=on,
    )
    assert light.status == "not_measurable" and light.progress is None
    assert share(value, value, current) is None


@given(baseline=values, target=values, start=days, length=st.integers(1, 5000), on=days, limits=thresholds)
def test_no_recent_value_is_said_not_guessed(baseline, target, start, length, on, limits):
    """Without a recent value, does the light say so rather than guess a status?"""
    assume(target != baseline)
    light = judge(
        baseline=baseline,
        target=target,
        baseline_date=start,
        target_date=start + timedelta(days=length),
        current=None,
        on=on,
        limits=limits,
    )
    assert light.status == "no_recent_value" and light.progress is None


@given(
    baseline=values,
    target=values,
    fraction=st.floats(-2, 3),
    start=days,
    length=st.integers(1, 5000),
    offset=st.integers(-400, 5400),
    limits=thresholds,
)
def test_the_light_follows_the_thresholds(baseline, target, fraction, start, length, offset, limits):
    """Is the light on track, at risk or off track exactly as progress compares with the expected share?"""
    assume(abs(target - baseline) > 1e-3)
    current = baseline + fraction * (target - baseline)
    end, on = start + timedelta(days=length), start + timedelta(days=offset)
    light = judge(
        baseline=baseline, target=target, baseline_date=start, target_date=end, current=current, on=on, limits=limits
    )
    expected = min(max(offset / length, 0.0), 1.0)
    assert light.expected == pytest.approx(expected)
    progress = light.progress
    if progress >= limits.on_track * light.expected:
        assert light.status == "on_track"
    elif progress >= limits.at_risk * light.expected:
        assert light.status == "at_risk"
    else:
        assert light.status == "off_track"


@given(baseline=values, gap=st.floats(0.01, 1e5), start=days, length=st.integers(1, 5000), limits=thresholds)
def test_reaching_the_target_is_on_track_either_way(baseline, gap, start, length, limits):
    """Is an indicator that reached its target on track on any day, for higher- and lower-is-better alike?"""
    for target in (baseline + gap, baseline - gap):
        for on in (start, start + timedelta(days=length // 2), start + timedelta(days=length + 30)):
            light = judge(
                baseline=baseline,
                target=target,
                baseline_date=start,
                target_date=start + timedelta(days=length),
                current=target,
                on=on,
                limits=limits,
            )
            assert light.status == "on_track"


@given(
    baseline=st.floats(0, 100),
    step=st.floats(1, 100),
    part=st.floats(0, 1),
    on_offset=st.integers(0, 3 * 366),
)
def test_the_years_milestone_sets_what_is_expected(baseline, step, part, on_offset):
    """On the last day of a milestone's year, is the expected progress the milestone's own share?"""
    target = baseline + step
    milestone = baseline + part * step
    start, end = date(2025, 1, 1), date(2028, 1, 1)
    assert expected_share(start, end, date(2026, 12, 31), {2026: milestone}, baseline, target) == pytest.approx(part)
    on = start + timedelta(days=on_offset)
    share_on = expected_share(start, end, on, {2026: milestone}, baseline, target)
    assert 0 <= share_on <= 1


def test_a_lower_is_better_indicator_behind_its_milestone_is_off_track():
    """Clearance time from 30 days to 10, 20 expected by the end of 2025, still 25 early in 2026: off track?"""
    light = judge(
        baseline=30,
        target=10,
        baseline_date=date(2025, 1, 1),
        target_date=date(2027, 1, 1),
        current=25,
        on=date(2026, 1, 1),
        milestones={2025: 20},
    )
    assert light.status == "off_track"
    assert light.progress == pytest.approx(0.25)
    assert "25 %" in light.reason
