"""A JSON body nested too deeply is a 400, never a 500 with a logged traceback."""

import logging

import pytest

from tests.conftest import csrf_from


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("depth", [17, 200, 100_000])
@pytest.mark.parametrize("method,path", [("GET", "/login"), ("GET", "/healthz"),
                                         ("POST", "/api/ratings"), ("POST", "/login")])
def test_deeply_nested_json_is_a_400_without_a_traceback(client, login_as, caplog, method,
                                                         path, depth):
    if path == "/api/ratings":
        login_as("leader")
    caplog.set_level(logging.ERROR)
    response = client.open(path, method=method, data=_nested(depth),
                           content_type="application/json")
    assert response.status_code == 400
    assert not [record for record in caplog.records if record.exc_info]


def test_json_nested_as_deep_as_the_limit_is_read(client, login_as):
    from rating.pipeline import MAX_JSON_DEPTH

    login_as("leader")
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    response = client.post("/api/ratings", data=_nested(MAX_JSON_DEPTH),
                           content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 422  # read, and refused for not being a rating
