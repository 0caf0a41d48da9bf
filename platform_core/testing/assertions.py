"""Assertions on what a client sees: the contract's error envelope."""

TRACEBACK_MARKERS = ("Traceback", 'File "', "sqlalchemy.", "psycopg")


def assert_error(response, status, code):
    """``response`` is the contract's error envelope with ``status`` and ``code``; returns the body."""
    assert response.status_int == status, response.text[:500]
    assert response.content_type == "application/json"
    body = response.json
    assert set(body) == {"data", "message", "code", "errors"}, body
    assert body["data"] is None and body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text
    return body
