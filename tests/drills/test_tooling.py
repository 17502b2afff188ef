"""The load clients against a live kwippy, and the drills' verdicts on made-up timelines."""

from collections import Counter
from urllib.parse import urlsplit

import pytest

from drills.load import Client, Sample, Site, personas, summarize
from drills.run import (
    judge_fetch_hang,
    judge_import_worker,
    judge_jobs_postgres,
    judge_object_cache,
    judge_postgres,
    judge_session_store,
    judge_worker,
)
from kwippy.posts.models import Post
from tests.conftest import PASSWORD


def _client(live_server, persona: str, username: str, samples: list) -> Client:
    site = Site(port=urlsplit(live_server.url).port, members=[username], readers={}, links=[])
    client = Client(persona, 0, site, lambda: 0.0, 60.0, samples.append)
    client.username, client.password = username, PASSWORD
    return client


def test_a_member_signs_in_through_the_form_and_notices_being_signed_out(live_server, alice):
    samples: list[Sample] = []
    client = _client(live_server, "member", "alice", samples)
    assert client.sign_in()
    client.fetch("settings", "GET", "/settings/", signed_in=True)
    assert samples[-1].ok
    assert not samples[-1].signed_out
    client.browser.cookies.pop("sessionid")
    client.fetch("settings", "GET", "/settings/", signed_in=True)
    assert samples[-1].signed_out
    assert not samples[-1].ok
    assert not client.signed_in


def test_a_poster_saves_with_the_csrf_token_and_counts_what_was_acknowledged(live_server, alice):
    samples: list[Sample] = []
    client = _client(live_server, "poster", "alice", samples)
    assert client.sign_in()
    client.step_poster()
    assert [s.step for s in samples][-2:] == ["add form", "add"]
    assert all(s.ok for s in samples)
    assert len(client.acknowledged) == 1
    assert Post.objects.filter(user=alice, link__url=client.acknowledged[0]).exists()


def test_the_clients_follow_the_mix():
    mix = personas(50)
    assert len(mix) == 50
    assert {name: mix.count(name) for name in set(mix)} == {
        "anonymous": 20,
        "member": 15,
        "poster": 5,
        "feed": 10,
    }


def _sample(started: float, status: int = 200, *, persona="anonymous", step="home", **extra):
    ok = extra.pop("ok", status == 200)
    return Sample(started, 0.1, persona, step, status, ok, **extra)


def test_summary_counts_errors_and_the_rate():
    summary = summarize([_sample(1.0), _sample(2.0, 500), _sample(3.0)], seconds=2.0)
    assert (summary.requests, summary.errors, summary.per_second) == (3, 1, 1.5)
    assert summary.error_kinds == {"home: 500": 1}


def test_the_object_cache_drill_fails_when_someone_is_signed_out():
    calm = [_sample(t) for t in range(20)]
    assert judge_object_cache(calm, stopped=10, started=10.1).passed
    signed_out = _sample(11, persona="member", ok=False, signed_out=True)
    assert not judge_object_cache([*calm, signed_out], stopped=10, started=10.1).passed


def test_the_session_store_drill_wants_503_while_down_and_200_for_anonymous_pages():
    samples = [_sample(t) for t in range(30)]
    probes = [_sample(t, 503, step="sign-in probe", ok=False) for t in (11, 12, 15)]
    probes.append(_sample(21, 302, step="sign-in probe", ok=True))
    assert judge_session_store(samples, probes, stopped=10, started=20).passed
    wrong = [*samples, _sample(15, 500)]
    assert not judge_session_store(wrong, probes, stopped=10, started=20).passed
    signed_in_while_down = [*probes[:2], _sample(15, 302, step="sign-in probe"), probes[-1]]
    assert not judge_session_store(samples, signed_in_while_down, stopped=10, started=20).passed
    slow = [*probes[:-1], _sample(27, 302, step="sign-in probe", ok=True)]
    assert not judge_session_store(samples, slow, stopped=10, started=20).passed


@pytest.mark.parametrize(
    ("failure_at", "stored", "passes"),
    [(11.0, {"a", "b"}, True), (25.0, {"a", "b"}, False), (11.0, {"a"}, False)],
)
def test_the_postgres_drill_allows_errors_only_around_the_outage_and_no_lost_post(
    failure_at, stored, passes
):
    samples = [_sample(t) for t in range(30)] + [_sample(failure_at, 500)]
    verdict = judge_postgres(
        samples, stopped=10, started=12, acknowledged=["a", "b"], stored=stored
    )
    assert verdict.passed is passes


def test_the_worker_drill_allows_only_the_request_in_flight_to_fail():
    in_flight = _sample(9.95, 0, detail="RemoteDisconnected")
    samples = [_sample(t) for t in range(20)]
    assert judge_worker([*samples, in_flight], killed=10, replaced=10.2).passed
    assert not judge_worker([*samples, in_flight, _sample(12, 0)], killed=10, replaced=10.2).passed
    assert not judge_worker(samples, killed=10, replaced=None).passed


def _import_worker_verdict(samples, **changes):
    summary = {"read": 100, "imported": 90, "duplicates": 5, "skipped": {"unsafe": 5}}
    facts = {
        "killed_at_read": 30,
        "bookmarks": 100,
        "state": "done",
        "file_urls": 90,
        "posts": 90,
        "distinct_posts": 90,
        "missing": 0,
        "summary": summary,
        "clean_summary": dict(summary),
        **changes,
    }
    return judge_import_worker(samples, **facts)


@pytest.mark.parametrize(
    "changes",
    [
        {"killed_at_read": 100},  # killed after the import had read it all: nothing was tested
        {"state": "failed"},
        {"posts": 91, "distinct_posts": 90},  # a bookmark stored twice
        {"posts": 89, "distinct_posts": 89, "missing": 1},
        {"summary": {"read": 100, "imported": 60, "duplicates": 5, "skipped": {"unsafe": 5}}},
    ],
)
def test_the_import_worker_drill_wants_each_bookmark_once_and_a_clean_runs_summary(changes):
    calm = [_sample(t) for t in range(60)]
    assert _import_worker_verdict(calm).passed
    assert not _import_worker_verdict(calm, **changes).passed


def test_the_import_worker_drill_fails_on_a_server_error_under_load():
    assert not _import_worker_verdict([_sample(5), _sample(40, 502)]).passed


def _jobs_postgres_verdict(**changes):
    lanes = {"interactive": 101, "bulk": 102}
    facts = {
        "queued": 3,
        "statuses": {"succeeded": 3},
        "delivered": Counter({"mail 0": 1, "mail 1": 2, "mail 2": 1}),
        "lanes_before": lanes,
        "lanes_after": dict(lanes),
        "heartbeats_after": 2,
        "outage": 5.0,
        "finished_after": 12.0,
        **changes,
    }
    return judge_jobs_postgres(**facts)


@pytest.mark.parametrize(
    "changes",
    [
        {"statuses": {"succeeded": 2, "doing": 1}},
        {"statuses": {"succeeded": 2, "failed": 1}},
        {"delivered": Counter({"mail 0": 1, "mail 1": 1})},  # one mail never sent
        {"lanes_after": {"interactive": 101, "bulk": None}},  # a lane exited
        {"lanes_after": {"interactive": 103, "bulk": 102}},  # someone restarted a lane
        {"heartbeats_after": 1},
    ],
)
def test_the_jobs_postgres_drill_wants_every_job_done_by_the_same_workers(changes):
    assert _jobs_postgres_verdict().passed
    assert not _jobs_postgres_verdict(**changes).passed


def _fetch_hang_verdict(samples, **changes):
    facts = {
        "mails_before": [0.05, 0.08, 0.1],
        "mails_during": [0.06, 0.09, 0.4],
        "pages_before": [0.3, 0.5],
        "pages_during": [0.4, 0.9],
        "probes": (3, 2),
        "most_held": 2,
        "hung_accepted": 12,
        **changes,
    }
    return judge_fetch_hang(samples, **facts)


@pytest.mark.parametrize(
    "changes",
    [
        {"mails_during": [0.06, 0.09, 1.5]},  # a mail waited behind the hung fetches
        {"pages_during": [0.4, 2.0]},
        {"mails_during": [0.06, 0.09]},  # a mail never came
        {"pages_during": [0.4]},
        {"most_held": 3},  # more than two fetches at one host
        {"hung_accepted": 0},  # the hung site was never asked: nothing was tested
    ],
)
def test_the_fetch_hang_drill_wants_the_interactive_lane_as_quick_as_before(changes):
    calm = [_sample(t) for t in range(60)]
    assert _fetch_hang_verdict(calm).passed
    assert not _fetch_hang_verdict(calm, **changes).passed
    assert not _fetch_hang_verdict([*calm, _sample(30, 502)]).passed
