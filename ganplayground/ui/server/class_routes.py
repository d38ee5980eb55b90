"""The class's small JSON HTTP API, as FastAPI routes beside the page's (for scripts and tests):

    POST /api/classes                    -> {code, teacher_key, student_link, teacher_link}
    GET  /api/classes/{code}/runs        (header X-Teacher-Key) -> [{name, loss, settings, verdict, ...}, ...]
    GET  /api/classes/{code}/runs.csv    (header X-Teacher-Key) -> the results CSV (docs/class.md)
    GET  /api/classes/{code}/runs/{id}/thumbnail.png  -> a run's latest thumbnail (the wall's pictures)
    DELETE /api/classes/{code}           (header X-Teacher-Key) -> the class and its runs, gone now

Plain messages with HTTP status codes for bad input (404 unknown class, 403 wrong key, 400 bad request, 507 a full
database). The teacher key only ever travels in a header or in the teacher link's fragment (#key=...), which a
browser never sends to a server, so it reaches no access log.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response

from ...classroom.classes import ClassError, NewClass, RunRecord, TeacherKeyError, UnknownClass
from ...classroom.links import address_from_headers
from ...classroom.storage import StorageError, StorageFull
from .class_hub import ClassHub

MAX_BODY = 16_384  # a create request is a few hundred bytes


def student_link(address: str, code: str) -> str:
    """The student link: the page's address with ?class=CODE (other parameters, such as preset or simple, can be
    added to it)."""
    base = address.split("?")[0].split("#")[0]
    return f"{base if base.endswith('/') else base + '/'}?class={code}"


def class_links(address: str, new: NewClass) -> dict[str, str]:
    """The student link and the teacher link, which carries the key in its fragment (#key=...)."""
    student = student_link(address, new.code)
    return {"student_link": student, "teacher_link": f"{student}#key={new.teacher_key}"}


def run_json(record: RunRecord, hub: ClassHub) -> dict[str, Any]:
    """A run as the API gives it (no thumbnail bytes; no key, which a run never holds)."""
    return {
        "id": record.id, "name": record.name, "number": record.number, "tab": record.tab, "loss": record.loss,
        "settings": record.settings, "arm": record.arm, "verdict": record.verdict,
        "digits_covered": record.digits_covered, "legibility": record.legibility, "step": record.step,
        "seconds": record.seconds, "device": record.device, "finished": record.finished,
        "cut_off": hub.cut_off(record),
        "prediction": {"digits": record.prediction.digits, "comes_back": record.prediction.comes_back},
        "hidden": record.hidden,
        "meter": [[p.step, p.seconds, p.digits_covered, p.verdict] for p in record.meter],
    }


def _error(exc: Exception) -> JSONResponse:
    if isinstance(exc, UnknownClass):
        status = 404
    elif isinstance(exc, TeacherKeyError):
        status = 403
    elif isinstance(exc, StorageFull):
        status = 507
    else:
        status = 400
    return JSONResponse({"error": str(exc)}, status_code=status)


def class_router(hub: ClassHub) -> APIRouter:
    """The routes over a hub (added to the page's FastAPI app by ui/app.py's launch)."""
    # Long: FastAPI routes are nested functions over the one hub; each of the five is short.
    router = APIRouter(prefix="/api/classes")

    @router.post("")
    async def create_class(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "the request is too large"}, status_code=413)
        experiment: Any = None
        if body.strip():
            try:
                data = await request.json()
            except ValueError:
                return JSONResponse({"error": "the body must be JSON, like {\"experiment\": null}"}, status_code=400)
            if not isinstance(data, dict):
                return JSONResponse({"error": "the body must be a JSON object"}, status_code=400)
            experiment = data.get("experiment")
        try:
            new = hub.create(experiment)
        except (ClassError, StorageError) as exc:
            return _error(exc)
        address = address_from_headers(dict(request.headers))
        return JSONResponse({"code": new.code, "teacher_key": new.teacher_key, **class_links(address, new)},
                            headers={"Cache-Control": "no-store"})

    @router.get("/{code}/runs")
    def list_runs(code: str, x_teacher_key: str = Header(default="")) -> Response:
        try:
            records = hub.wall(code, x_teacher_key)
        except (ClassError, StorageError) as exc:
            return _error(exc)
        return JSONResponse([run_json(r, hub) for r in records])

    @router.get("/{code}/runs.csv")
    def runs_csv(code: str, x_teacher_key: str = Header(default="")) -> Response:
        try:
            text = hub.book.csv(code, x_teacher_key)
        except (ClassError, StorageError) as exc:
            return _error(exc)
        name = f"class-{hub.book.info(code).code}-runs.csv"
        return Response(text, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.get("/{code}/runs/{run_id}/thumbnail.png")
    def thumbnail(code: str, run_id: str) -> Response:
        """A run's latest thumbnail for the wall's <img> (students see the class too, so no key: the code is what
        lets one in; hidden runs are not served)."""
        try:
            record = hub.book.run(code, run_id)
        except (ClassError, StorageError) as exc:
            return _error(exc)
        if record.hidden or not record.thumbnail:
            return JSONResponse({"error": "no picture for this run"}, status_code=404)
        return Response(record.thumbnail, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    @router.delete("/{code}")
    def delete_class(code: str, x_teacher_key: str = Header(default="")) -> Response:
        try:
            hub.book.delete(code, x_teacher_key)
        except (ClassError, StorageError) as exc:
            return _error(exc)
        return JSONResponse({"deleted": code.strip().upper()})

    return router
