"""The benchmark's verdicts: ratios within one run, computed from its measurements."""

from __future__ import annotations

from dataclasses import replace

from bench.bars import judge
from bench.calibration import explain as explain_calibration
from bench.hash_bound import HashBound
from bench.loadgen import Measurement
from bench.metrics_cost import combined, scraped_reads
from bench.report import Report, Row, WorkerMemory, bars_table


def _bound(cpu_seconds_per_hash: float) -> HashBound:
    return HashBound(
        cores=2,
        cpu_seconds_per_hash=cpu_seconds_per_hash,
        memory_kib=19456,
        time_cost=2,
        parallelism=1,
        measured=(cpu_seconds_per_hash,),
    )


BOUND = _bound(0.02)


def _measured(rps: float, p99_ms: float = 5.0) -> Measurement:
    return Measurement(
        requests=int(rps * 10), seconds=10, p50_ms=1.0, p99_ms=p99_ms, max_ms=p99_ms, errors=0
    )


def _verdicts(report: Report) -> dict[str, str]:
    judge(report, BOUND)
    return {row[0]: row[3] for row in bars_table(report.bars)[1:]}


def test_ratios_against_the_references_and_the_hash_bound() -> None:
    report = Report(
        rows=[
            Row("R1", "", _measured(30_000)),
            Row("R2", "", _measured(4_000)),
            Row("S1", "", _measured(28_000)),
            Row("S2", "", _measured(2_000)),
            Row("S3", "", _measured(90)),  # R3 = 2 cores / 0.02 s = 100 hashes/s
            Row("S5", "", _measured(80)),
            Row("S4", "", _measured(1_200)),
            Row("S6", "", None, "n/a: no token service"),
        ],
        memory=[WorkerMemory(worker=120.0, helpers=20.0), WorkerMemory(worker=130.0, helpers=21.0)],
    )
    verdicts = _verdicts(report)
    assert verdicts["S1 / R1 (framework cost; ideal)"] == "pass"
    assert verdicts["S2 / R2"] == "FAIL"
    assert verdicts["S3 / R3 (logins)"] == "pass"
    assert verdicts["S5 / R3 (registrations)"] == "FAIL"
    assert verdicts["S4 rotations/s"] == "pass"
    assert verdicts["S6 / R2 (introspection)"] == "n/a"
    # 130 MiB for the worker alone, 151 with its hashing process
    assert verdicts["memory per worker after the run (with its hashing process)"] == "FAIL"


def test_references_measured_twice_count_as_their_mean() -> None:
    report = Report(
        rows=[
            Row("R2", "", _measured(4_000)),
            Row("S2", "", _measured(3_300)),
            Row("R2b", "", _measured(5_000)),  # the machine got faster during the run
        ]
    )
    verdicts = _verdicts(report)
    assert verdicts["S2 / R2"] == "FAIL"  # 3,300 / 4,500 = 0.73
    report.rows[2] = Row("R2b", "", _measured(4_400))
    assert _verdicts(report)["S2 / R2"] == "pass"  # 3,300 / 4,200 = 0.79


def test_reads_during_a_login_flood_may_reach_the_floor_or_twice_their_p99() -> None:
    def verdict(alone_p99: float, during_p99: float, logins: float) -> tuple[str, str]:
        report = Report(
            rows=[
                Row("S7a", "", _measured(200, alone_p99)),
                Row("S7b", "", _measured(200, during_p99)),
                Row("S7c", "", _measured(logins)),
            ]
        )
        verdicts = _verdicts(report)
        return (
            verdicts["S7 /users/me p99 during logins"],
            verdicts["S7 logins during reads / R3"],
        )

    assert verdict(2.0, 9.5, 60) == ("pass", "pass")  # under the 10 ms floor
    assert verdict(2.0, 10.5, 60) == ("FAIL", "pass")
    assert verdict(8.0, 15.0, 40) == ("pass", "FAIL")  # within 2 x alone; logins < 0.5 x R3


def test_neither_sign_ins_nor_reads_may_stop_the_other() -> None:
    def verdict(alone: float, reads: float, sign_ins: float) -> tuple[str, str]:
        report = Report(
            rows=[
                Row("S9a", "", _measured(alone)),
                Row("S9b", "", _measured(reads)),
                Row("S9c", "", _measured(sign_ins)),
            ]
        )
        verdicts = _verdicts(report)
        return (
            verdicts["S9 sign-ins during a read flood / R3"],
            verdicts["S9 reads during a sign-in flood / reads alone"],
        )

    assert verdict(1_000, 450, 45) == ("pass", "pass")  # 45 / R3 of 100; 450 / 1,000
    assert verdict(1_000, 1_000, 0) == ("FAIL", "pass")  # hashing only on idle CPU
    assert verdict(1_000, 350, 60) == ("pass", "FAIL")
    assert _verdicts(Report())["S9 sign-ins during a read flood / R3"] == "n/a"


def test_the_provider_bars_count_two_requests_a_code_flow() -> None:
    def verdicts(flow_requests: float, sign_ins: float, userinfo: float) -> tuple[str, ...]:
        report = Report(
            rows=[
                Row("R2", "", _measured(4_000)),
                Row("S10", "", _measured(flow_requests)),
                Row("S11", "", _measured(sign_ins)),
                Row("S12", "", _measured(userinfo)),
            ]
        )
        found = _verdicts(report)
        names = ("S10 complete code flows/s", "S11 / R3 (hosted sign-in)", "S12 / R2 (userinfo)")
        return tuple(found[name] for name in names)

    assert verdicts(1_000, 85, 3_000) == ("pass", "pass", "pass")  # 500 flows; 0.85; 0.75
    assert verdicts(990, 84, 2_990) == ("FAIL", "FAIL", "FAIL")
    assert _verdicts(Report())["S10 complete code flows/s"] == "n/a"


def test_deep_listing_is_judged_against_the_first_page() -> None:
    report = Report(rows=[Row("S8a", "", _measured(400)), Row("S8b", "", _measured(300))])
    assert _verdicts(report)["S8 deep cursor vs first page (time per request)"] == "pass"
    report = Report(rows=[Row("S8a", "", _measured(400)), Row("S8b", "", _measured(200))])
    assert _verdicts(report)["S8 deep cursor vs first page (time per request)"] == "FAIL"


def test_the_hash_bound_measured_twice_counts_as_its_mean() -> None:
    bound = BOUND.again(_bound(0.03))
    assert bound.measured == (0.02, 0.03)
    assert bound.hashes_per_second == 2 / 0.025
    report = Report(rows=[Row("S3", "", _measured(72))])
    judge(report, bound)  # 72 / 80 = 0.90
    assert {row[0]: row[3] for row in bars_table(report.bars)[1:]}["S3 / R3 (logins)"] == "pass"


def test_the_calibration_tells_what_a_sign_in_costs_besides_its_hash() -> None:
    report = Report(
        rows=[
            Row("S3", "", replace(_measured(80), server_cpu_us=24_000)),  # R3's hash: 20 ms
            Row("S3x", "", replace(_measured(700), server_cpu_us=2_500)),  # small hash: 0.5 ms
        ]
    )
    explain_calibration(report, BOUND, small_hash_seconds=0.0005)
    assert report.notes == [
        "Besides its hash, a sign-in cost the server 2.0 ms of CPU with a 1 MiB t=1 hash "
        "(S3x) and 4.0 ms next to Argon2id at the configured parameters (S3, the hash "
        "counted at R3's 20.0 ms): 2.0 x as much beside memory-hard hashes, which share the "
        "cores and their caches. At 2.0 ms a sign-in would reach 0.91 x R3 by the server's "
        "CPU alone."
    ]


def test_metrics_may_cost_reads_at_most_five_percent() -> None:
    def verdict(off: float, on: float) -> str:
        report = Report(rows=[Row("S13a", "", _measured(off)), Row("S13b", "", _measured(on))])
        return _verdicts(report)["S13 /users/me with metrics on / off"]

    assert verdict(2_000, 1_950) == "pass"  # 0.975
    assert verdict(2_000, 1_900) == "pass"  # 0.95: the bar itself
    assert verdict(2_000, 1_880) == "FAIL"  # 0.94
    assert _verdicts(Report())["S13 /users/me with metrics on / off"] == "n/a"


def test_the_turns_of_s13_add_up_as_one_measurement() -> None:
    first = replace(_measured(1_000, p99_ms=4.0), server_cpu_us=300)
    second = replace(_measured(3_000, p99_ms=6.0), server_cpu_us=100)
    both = combined([first, second])
    assert (both.requests, both.seconds, both.rps) == (40_000, 20, 2_000)
    assert both.p99_ms == 6.0  # the worse tail
    assert (
        both.server_cpu_us == 150
    )  # per request over both: (10,000 x 300 + 30,000 x 100) / 40,000


def test_the_s13_scrape_counts_only_successful_reads_of_users_me() -> None:
    text = "\n".join(
        [
            "# TYPE aurum_http_request_duration_seconds histogram",
            'aurum_http_request_duration_seconds_count{method="GET",route="/api/v1/users/me",'
            'status="200"} 1234.0',
            'aurum_http_request_duration_seconds_count{method="GET",route="/api/v1/users/me",'
            'status="401"} 5.0',
            'aurum_http_request_duration_seconds_count{method="GET",route="/health",'
            'status="200"} 7.0',
        ]
    )
    assert scraped_reads(text) == 1234
