"""The pieces of benchmarks/load.py that decide what is measured: the mix keeps its shares and
never sends a user a request its role is refused, and the result line has the keys others
read. The load test itself is a benchmark (make load), not a test."""

import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "load.py"
spec = importlib.util.spec_from_file_location("load_bench", PATH)
load = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = load  # dataclasses look their module up while the file runs
spec.loader.exec_module(load)


def profiles():
    return [(load.ROLE_OF[name], auth) for name, auth, n in load.USERS for _ in range(n)]


def test_the_population_keeps_the_category_shares():
    plans = load.build_plans(profiles(), 5_000, seed=1)
    shares = Counter(load.KINDS[kind][0] for plan in plans for kind in plan)
    total = sum(shares.values())
    for category, share in load.CATEGORY_SHARES.items():
        assert abs(shares[category] / total - share) < 0.01, (category, shares)


def test_users_who_cannot_write_shift_the_writes_to_those_who_can():
    weights = load.category_weights(profiles())
    by_role = dict(zip(profiles(), weights, strict=True))
    assert "write" not in by_role[("auditor", "session")]
    assert by_role[("officer", "session")]["write"] > load.CATEGORY_SHARES["write"]
    for user in weights:
        assert abs(sum(user.values()) - 1) < 1e-6


def test_a_user_only_runs_kinds_its_role_and_authentication_allow():
    for name, auth, _ in load.USERS:
        role = load.ROLE_OF[name]
        for kind in set(load.build_plan(role, auth, 2_000, random.Random(2))):
            _, _, roles, auths = load.KINDS[kind]
            assert role in roles and auth in auths, (role, auth, kind)
    auditor_kinds = {k for k, v in load.KINDS.items() if "auditor" in v[2]}
    assert not any(load.KINDS[k][0] == "write" for k in auditor_kinds)  # auditors read only


def test_the_users_are_32_and_mix_roles_and_tokens():
    assert sum(n for *_, n in load.USERS) == 32
    assert {load.ROLE_OF[name] for name, _, _ in load.USERS} == {
        "officer",
        "owner",
        "approver",
        "auditor",
    }
    assert {auth for _, auth, _ in load.USERS} == {"session", "token"}


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 0.50) == 50.0
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile([], 0.99) == 0.0


def test_result_line_has_the_interface_keys_and_judges_the_targets():
    samples = [load.Sample("page_systems", "read", 200, 100.0)] * 99 + [
        load.Sample("api_risk_create", "write", 500, 900.0, "HTTP 500")
    ]

    class Args:
        workers, baseline_path = 4, "/api/v1/me/"

    baseline = load.summarise([load.Sample("baseline", "baseline", 200, 10.0)] * 100, 10.0)
    line = load.result_line(samples, 10.0, baseline, Args, 32)
    assert {"bench", "p50_ms", "p95_ms", "p99_ms", "errors", "rps", "baseline_rps"} <= set(line)
    assert line["bench"] == "load"
    assert (line["errors"], line["rps"], line["baseline_rps"]) == (1, 10.0, 10.0)
    assert line["targets_met"] == {"p99": True, "errors": False, "throughput": True}
    assert line["all_targets_met"] is False


def test_chunked_bodies_are_decoded():
    assert load.dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n") == b"abcde"
