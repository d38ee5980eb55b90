"""A class in real browsers: a teacher (the teacher link) and three students (the student link), each in a separate
browser context. The students join, predict and train; the teacher's wall fills; the teacher hides one run
(gone from the students' wall too), sends a set-up (a student loads it), and downloads the results.

With GANPLAYGROUND_SCREENSHOTS=1 it refreshes docs/screenshots/class-wall.png, class-chart.png and
class-student.png; otherwise the screenshots go to a temporary folder.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest

from .browser import CHROMIUM, DOCS_SHOTS, LAUNCH_ARGS, click_start, require_chromium, set_slider, shots_dir, wait

pytestmark = pytest.mark.browser

playwright = require_chromium()
NAMES = ("Ada", "<b>Grace</b>", "Linus 🐧")


def _student(browser, link: str, name: str, digits: int):
    """A student's page: open the student link, give a name, predict, train the quick set-up for 10 seconds."""
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    page.goto(link)
    info = page.locator("#class-info")
    info.wait_for(state="visible", timeout=30_000)
    wait(lambda: "in class" in info.inner_text(), 30, "the student joined from the link")
    page.locator("#class-name input, #class-name textarea").first.fill(name)
    page.click("#class-join")
    wait(lambda: name in info.inner_text(), 30, "the student's name")
    page.locator("#class-predict-digits").get_by_label(str(digits), exact=True).check()
    wait(lambda: "Your prediction" in page.locator("#class-prediction").inner_text(), 30, "the prediction stored")
    page.get_by_role("tab", name="Train").click()
    page.locator("#settings").click()
    set_slider(page, "budget", 10)  # a fill as the settings open was undone, and the run took the preset's minute
    click_start(page)
    return page


def test_a_teacher_and_three_students_run_a_class(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    made = httpx.post(app_url + "api/classes", timeout=30).json()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        teacher = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True).new_page()
        teacher.goto(made["teacher_link"])
        created = teacher.locator("#class-created")
        created.wait_for(state="visible", timeout=30_000)
        wait(lambda: made["code"] in created.inner_text(), 30, "the teacher's view of the class")
        assert "#key=" not in teacher.url  # the key left the address bar

        students = [_student(browser, made["student_link"], name, digits)
                    for name, digits in zip(NAMES, (10, 3, 1), strict=True)]
        wall = teacher.locator("#class-wall")
        wait(lambda: wall.locator(".gp-card").count() == 3 and wall.inner_text().count("finished") == 3, 120,
             "three finished runs on the teacher's wall")
        text = wall.inner_text()
        assert "<b>Grace</b>" in text and "Linus 🐧" in text and "predicted 10" in text
        assert teacher.locator("#class-chart img").count() == 1
        if shots == DOCS_SHOTS:
            teacher.wait_for_timeout(11_000)  # the chart is drawn again at most every 10 s: all three results on it
        teacher.locator("#class-chart").screenshot(path=str(shots / "class-chart.png"))
        teacher.locator("#class-wall").screenshot(path=str(shots / "class-wall.png"))

        # --- hide Ada's run: greyed on the teacher's wall, gone from the students' ---
        teacher.get_by_label("A run", exact=True).click()
        teacher.get_by_role("option", name="Ada · ", exact=False).first.click()
        teacher.click("#class-hide")
        wait(lambda: "hidden from the class" in wall.inner_text(), 30, "the hidden run marked")
        student_wall = students[1].locator("#class-student-wall")
        wait(lambda: student_wall.locator(".gp-card").count() == 2, 30, "the students' wall without Ada's run")
        assert "Ada" not in student_wall.inner_text()

        # --- send a set-up; a student loads it into the Train form ---
        teacher.click("#class-send")
        page = students[2]
        page.get_by_role("tab", name="Class").click()
        wait(lambda: "Your teacher shared" in page.locator("#class-shared").inner_text(), 30, "the shared set-up")
        page.click("#class-load-shared")
        page.get_by_role("tab", name="Train").click()
        wait(lambda: "collapse" in page.get_by_label("Preset", exact=True).input_value(), 30, "the preset loaded")
        page.get_by_role("tab", name="Class").click()
        page.screenshot(path=str(shots / "class-student.png"), full_page=True)
        for student in students:
            assert made["teacher_key"] not in student.content()

        # --- the results ---
        teacher.click("#class-download")
        link = teacher.locator("#class-files a[download$='.csv']").first
        link.wait_for(timeout=30_000)
        with teacher.expect_download() as download:
            link.click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        assert sorted(r["name"] for r in rows) == sorted(NAMES)
        assert {r["name"]: r["hidden"] for r in rows} == {"Ada": "yes", NAMES[1]: "no", NAMES[2]: "no"}
        browser.close()
