"""The class's scripting API on the running app: POST /api/classes, a student joining through /class_join and
training through /start, the teacher reading the runs and the CSV with the key; and what it refuses."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from gradio_client import Client

from ..waiting import wait_for
from .pages import FORM, api_error

QUICK = [*FORM[:-1], 10]  # the quick form with a 10-second budget (the least the form takes)


@pytest.fixture(scope="module")
def http(app_url: str) -> httpx.Client:
    return httpx.Client(base_url=app_url, timeout=30)


@pytest.fixture(scope="module")
def a_class(http: httpx.Client) -> dict:
    created = http.post("/api/classes")
    assert created.status_code == 200
    return created.json()


def test_creating_a_class_gives_a_code_a_secret_key_and_both_links(a_class: dict, app_url: str) -> None:
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", a_class["code"])
    assert len(a_class["teacher_key"]) >= 22  # 128 bits or more, URL-safe
    assert a_class["student_link"] == f"{app_url}?class={a_class['code']}"
    assert a_class["teacher_link"] == f"{a_class['student_link']}#key={a_class['teacher_key']}"


def test_a_students_run_reaches_the_teachers_list_and_csv(a_class: dict, http: httpx.Client, client: Client) -> None:
    code, key = a_class["code"], a_class["teacher_key"]
    me = client.predict(api_name="/new_session")
    joined = client.predict(me, code.lower(), "<img src=x onerror=1>", api_name="/class_join")
    assert joined["code"] == code and joined["name"] == "<img src=x onerror=1>"
    client.predict(me, 7, "", api_name="/class_predict")
    client.predict(me, *QUICK, api_name="/start")

    def finished() -> dict | None:
        runs = http.get(f"/api/classes/{code}/runs", headers={"X-Teacher-Key": key}).json()
        return runs[0] if runs and runs[0]["finished"] else None
    run = wait_for(finished, 60, "the run on the class's list, finished")
    assert {"name", "loss", "settings", "verdict", "digits_covered", "step", "finished", "prediction",
            "hidden"} <= set(run)
    assert run["prediction"] == {"digits": 7, "comes_back": None} and run["hidden"] is False
    assert run["loss"] == "js" and run["settings"]["batch_size"] == FORM[6] and run["step"] > 0
    assert http.get(f"/api/classes/{code}/runs/{run['id']}/thumbnail.png").headers["content-type"] == "image/png"

    got = http.get(f"/api/classes/{code}/runs.csv", headers={"X-Teacher-Key": key})
    assert got.status_code == 200 and key not in got.text
    (row,) = list(csv.DictReader(io.StringIO(got.text)))
    assert row["name"] == "<img src=x onerror=1>" and row["predicted_digits"] == "7"


@pytest.mark.parametrize("path", ["/api/classes/{code}/runs", "/api/classes/{code}/runs.csv"])
def test_the_teachers_lists_need_the_right_key(a_class: dict, http: httpx.Client, path: str) -> None:
    url = path.format(code=a_class["code"])
    for headers in ({}, {"X-Teacher-Key": "not-the-key"}, {"X-Teacher-Key": a_class["teacher_key"][:-1]}):
        answer = http.get(url, headers=headers)
        assert answer.status_code == 403 and "key" in answer.json()["error"]
        assert a_class["teacher_key"] not in answer.text


@pytest.mark.parametrize("code", ["ZZZZZZ", "abc", "<script>", "O0I1L5", "A" * 300])
def test_unknown_or_malformed_class_codes_get_a_plain_404(http: httpx.Client, code: str) -> None:
    answer = http.get(f"/api/classes/{code}/runs", headers={"X-Teacher-Key": "x"})
    assert answer.status_code == 404 and "No class" in answer.json()["error"]
    assert answer.headers["content-type"] == "application/json"  # quoted back as data, never as a page


def test_forged_run_ids_and_bad_bodies_are_refused(a_class: dict, http: httpx.Client) -> None:
    assert http.get(f"/api/classes/{a_class['code']}/runs/forged-run-id/thumbnail.png").status_code in (400, 404)
    assert http.post("/api/classes", content=b"{not json").status_code == 400
    assert http.post("/api/classes", json={"experiment": "no-such-experiment"}).status_code == 400
    with_experiment = http.post("/api/classes", json={"experiment": "where-collapse-begins"}).json()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", with_experiment["code"])


def test_joining_a_class_that_does_not_exist_says_so(client: Client, app_url: str) -> None:
    me = client.predict(api_name="/new_session")
    assert "No class" in api_error(client, app_url, "/class_join", me, "ZZZZZZ", "Bob")
    assert "0 to 10" in api_error(client, app_url, "/class_predict", me, 11, "")
