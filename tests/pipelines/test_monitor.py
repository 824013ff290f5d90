from pipelines.monitor import coverage, run_verdict


def test_zero_items_is_a_failure_not_a_quiet_night():
    status, error = run_verdict({}, "finished", min_items=1)
    assert status == "failed" and "zero items" in error


def test_fewer_items_than_declared_or_logged_errors_make_a_partial_run():
    assert run_verdict({"salvage/items": 5}, "finished", min_items=20)[0] == "partial"
    status, error = run_verdict({"salvage/items": 50, "log_count/ERROR": 2}, "finished", min_items=20)
    assert status == "partial" and "2 errors" in error


def test_a_crawl_that_ended_early_failed_and_a_clean_one_is_ok():
    assert run_verdict({"salvage/items": 50}, "shutdown", min_items=20)[0] == "failed"
    assert run_verdict({"salvage/items": 50}, "finished", min_items=20) == ("ok", None)


def test_coverage_is_the_share_of_lots_with_each_field():
    cov = coverage({"salvage/items": 4, "salvage/field/title": 4, "salvage/field/principal": 1})
    assert cov["title"] == 1.0 and cov["principal"] == 0.25 and cov["debtor"] == 0.0
