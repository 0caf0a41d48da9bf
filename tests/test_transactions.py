"""One transaction per request: committed on success, rolled back on any error."""

from sqlalchemy import select

from platform_core.tenancy.models import Business


def test_request_failing_after_a_write_leaves_nothing(testapp, dbsession):
    response = testapp.post("/api/_test/write-then-fail", status=409)
    assert response.json["code"] == "conflict"
    assert dbsession.scalar(select(Business).where(Business.slug == "ghost-business")) is None


def test_successful_request_commits(testapp, factory, dbsession):
    caller = factory.caller(role=None)
    testapp.post_json("/api/businesses", {"name": "Kept Salon"}, headers=caller.headers, status=201)
    assert dbsession.scalar(select(Business).where(Business.slug == "kept-salon")) is not None


def test_mail_is_not_sent_when_the_request_fails(testapp, mailbox):
    testapp.post_json("/api/auth/register", {"email": "weak@example.test", "password": "short", "full_name": "W"},
                      status=400)
    assert mailbox.messages() == []
