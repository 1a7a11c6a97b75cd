"""The app's background jobs (anjian.jobs): one job per key, progress estimates that move
between steps and never claim the end early, errors handed back; and the Chinese wording of
the scenario checks' messages (anjian.ui.text.problem_text)."""

from __future__ import annotations

import itertools
import threading

import pytest

from anjian import jobs, load_scenario
from anjian.ui.text import problem_text


def test_one_job_per_key_and_its_result() -> None:
    gate = threading.Event()
    calls = []

    def work(job: jobs.Job) -> int:
        calls.append(1)
        job.report(1, 2)
        gate.wait(5)
        job.report(2, 2)
        return 42

    a = jobs.start("test-one", work)
    b = jobs.start("test-one", work)  # a second click, tab or rerun attaches
    assert a is b
    assert jobs.take("test-one") is None  # still running: stays
    gate.set()
    a.join(5)
    assert a.finished and a.result == 42 and a.error is None and calls == [1]
    assert a.status().fraction == 1.0 and a.status().done == 2
    assert jobs.take("test-one") is a
    assert jobs.running("test-one") is None


def test_errors_are_handed_back_not_raised_in_the_thread() -> None:
    def work(job: jobs.Job) -> None:
        raise ValueError("no plan buys anything")

    job = jobs.start("test-error", work)
    job.join(5)
    assert isinstance(job.error, ValueError) and jobs.take("test-error") is job


def test_estimate_follows_the_pace_and_stays_below_one() -> None:
    job = jobs.Job("k", expected_s=10.0)
    t0 = job.started
    # before the first step: the prior guess
    assert job.status(now=t0 + 5).fraction == pytest.approx(0.5)
    assert job.status(now=t0 + 5).left_s == pytest.approx(5.0)
    assert job.status(now=t0 + 50).fraction == 0.99  # late, never done before the end
    # two steps: still the prior guess (the first carries the start-up)
    job.report(1, 10)
    job.report(2, 10)
    job.steps = [(t0 + 4, 1), (t0 + 5, 2)]
    assert job.status(now=t0 + 5).fraction == pytest.approx(0.5)
    # then the pace after the first step: 1 step a second, 8 more to go from t0 + 6
    job.report(3, 10)
    job.steps.append((t0 + 6, 3))
    job.last_step = t0 + 6
    st = job.status(now=t0 + 7)
    assert st.left_s == pytest.approx(6.0) and st.fraction == pytest.approx(7 / 13)
    assert job.status(now=t0 + 6.1).fraction >= 0.3  # never below the steps done
    # without any guess: the steps done, nothing made up
    bare = jobs.Job("b")
    assert bare.status(now=bare.started + 3).fraction == 0.0
    assert bare.status().left_s is None


def test_progress_moves_at_least_every_half_second_while_a_step_runs() -> None:
    job = jobs.Job("m", expected_s=4.0)
    seen = [job.status(now=job.started + 0.5 * i).fraction for i in range(8)]
    assert all(b > a for a, b in itertools.pairwise(seen))


def test_expected_seconds_scales_with_runs_and_workers() -> None:
    s = load_scenario("chongqing")
    one = jobs.expected_seconds(s, 1.0, "inspections", 12, 1)
    two = jobs.expected_seconds(s, 1.0, "inspections", 12, 2)
    assert 20 < one < 60 and two == pytest.approx(one / 2)
    assert jobs.expected_seconds(s, 1.0, "response", 12, 2) < two


def test_app_workers_reads_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJIAN_APP_WORKERS", "3")
    assert jobs.app_workers() == 3
    monkeypatch.setenv("ANJIAN_APP_WORKERS", "two")
    with pytest.raises(ValueError, match="ANJIAN_APP_WORKERS"):
        jobs.app_workers()
    monkeypatch.setenv("ANJIAN_APP_WORKERS", "1")
    assert jobs.shared_client() is None  # one worker: runs stay in the app's process


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("overrides [overrides] 'staff.500101.city_corps': Input should be greater than or "
         "equal to 0 (got -1)", "修改项 'staff.500101.city_corps': 应大于或等于 0 （输入值 -1）"),
        ("overrides [overrides] 'staff.500101.city_corps': Input should be a valid integer, got"
         " a number with a fractional part (got 2.5)", "应为整数（不能带小数） （输入值 2.5）"),
        ("overrides [overrides] 'staff.500101.city_corps': Input should be less than or equal "
         "to 1000000000 (got 99999999999)", "应小于或等于 1000000000 （输入值 99999999999）"),
        ("overrides [overrides] 'staff.500101.city_corps': Input should be a finite number "
         "(got nan)", "应为有限数值 （输入值 nan）"),
    ],
)  # fmt: skip
def test_scenario_messages_in_chinese(line: str, want: str) -> None:
    text, whole = problem_text(line, "zh")
    assert want in text and whole
    assert problem_text(line, "en") == (line, True)


def test_an_unknown_message_is_kept_and_flagged() -> None:
    line = "scenario.toml: the surge ends past day 365: move it into the year"
    assert problem_text(line, "zh") == (line, False)


def test_a_real_refusal_reads_in_chinese() -> None:
    from anjian import ScenarioError, with_overrides

    s = load_scenario("toy")
    with pytest.raises(ScenarioError) as info:
        with_overrides(s, {"staff.900001.township": -3})
    texts = [problem_text(p, "zh") for p in info.value.problems]
    assert texts and all(whole for _, whole in texts)
    assert "应大于或等于 0" in texts[0][0]


def test_a_hundred_billion_staff_is_refused_with_the_limit() -> None:
    """99,999,999,999 staff was accepted (the Overview then showed 100 billion)."""
    from anjian import ScenarioError, with_overrides

    s = load_scenario("toy")
    with pytest.raises(ScenarioError) as info:
        with_overrides(s, {"staff.900001.township": 99_999_999_999})
    text, whole = problem_text(info.value.problems[0], "zh")
    assert "应小于或等于 1000000000" in text and whole


def test_a_cluster_that_cannot_start_leaves_the_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes that cannot start (a sandbox, a daemonic parent) are said once in the
    log, and every run stays in the app's own process: no traceback on the page."""
    import anjian.sweep as sweep_mod

    def fail(*args: object) -> None:
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setenv("ANJIAN_APP_WORKERS", "2")
    monkeypatch.setattr(sweep_mod, "_open_dask", fail)
    monkeypatch.setattr(jobs, "_client", None)
    monkeypatch.setattr(jobs, "failure", None)
    assert jobs.shared_client("toy") is None
    assert jobs.failure is not None and "daemonic" in jobs.failure
    assert jobs.shared_client("toy") is None  # not tried again on every click


def test_unlike_stages_get_no_time_estimate() -> None:
    """A search's stages (some instant, some minutes) gave 99% and "0 s left" after a second;
    unpaced, the bar counts the stages done and says only the time so far."""
    job = jobs.Job("stages", paced=False)
    t0 = job.started
    for i in range(1, 4):
        job.report(i, 40)
        job.steps[-1] = (t0 + 0.1 * i, i)
    st = job.status(now=t0 + 1.0)
    assert st.fraction == pytest.approx(3 / 40) and st.left_s is None


def test_past_the_estimate_no_zero_seconds_left() -> None:
    job = jobs.Job("late", expected_s=5.0)
    st = job.status(now=job.started + 9.0)
    assert st.fraction == 0.99 and st.left_s is None
    assert job.status(now=job.started + 2.0).left_s == pytest.approx(3.0)
