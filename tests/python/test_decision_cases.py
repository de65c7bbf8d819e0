"""The language-neutral cases of tests/testdata/decision_cases.json, the same
file the C++ suite (tests/core/decision_cases_test.cc) runs: the bindings
must give exactly the decisions the core gives."""
import json

import allot


def _expected(case):
    return [allot.Decision(d["campaign_id"], d["variation_group_id"], d["variation_id"],
                           d["reason"]) for d in case["decisions"]]


def test_every_case_through_decide(decision_suites):
    checked = 0
    for suite in decision_suites:
        config = allot.load(json.dumps(suite["config"]), bucketing=suite["bucketing"])
        for case in suite["cases"]:
            got = config.decide(case["visitor"], case["context"], at=case["at"])
            assert got == _expected(case), (suite["name"], case["visitor"])
            checked += len(got)
    assert checked >= 40


def test_every_case_through_assign(decision_suites):
    """The batch path gives the same rows, one visitor at a time and all the
    cases of a suite (sharing an instant) at once."""
    for suite in decision_suites:
        config = allot.load(json.dumps(suite["config"]), bucketing=suite["bucketing"])
        for case in suite["cases"]:
            frame = config.assign([case["visitor"]],
                                  {k: [v] for k, v in case["context"].items()},
                                  at=case["at"])
            got = [allot.Decision(r.campaign_id,
                                  None if isinstance(r.variation_group_id, float) else r.variation_group_id,
                                  None if isinstance(r.variation_id, float) else r.variation_id,
                                  r.reason)
                   for r in frame.itertuples(index=False)]
            assert got == _expected(case), (suite["name"], case["visitor"])


def test_single_campaign_matches_the_full_decision(decision_suites):
    for suite in decision_suites:
        config = allot.load(json.dumps(suite["config"]), bucketing=suite["bucketing"])
        for case in suite["cases"]:
            context = {k: [v] for k, v in case["context"].items()}
            for expected in _expected(case):
                frame = config.assign([case["visitor"]], context, at=case["at"],
                                      campaign=expected.campaign_id)
                assert len(frame) == 1
                assert frame["reason"][0] == expected.reason, (suite["name"], expected)


def test_flags_follow_the_decisions(decision_suites):
    # In these configs every variation sets {"flag": "<its id>"}: the merged
    # flag is the last campaign's variation.
    suite = decision_suites[0]
    config = allot.load(json.dumps(suite["config"]))
    case = suite["cases"][0]
    decisions = config.decide(case["visitor"], case["context"], at=case["at"])
    last = [d.variation_id for d in decisions if d.variation_id is not None][-1]
    assert config.flags(case["visitor"], case["context"], at=case["at"]) == {"flag": last}
