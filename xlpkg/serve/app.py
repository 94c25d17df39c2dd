"""The local page's web application (Starlette): routes, the token, the guards.

Owns what every request must pass before anything runs — the Host header names
this server (a page on another site that rebinds its DNS name to 127.0.0.1 is
refused), a body announced larger than the cap is refused with 413 before any of
it is read, and every API call and download carries the per-launch token — and
the headers every answer carries (a strict Content-Security-Policy, no caching,
no referrer so the token never leaves in one). Evaluated files are kept in
memory only as results; each upload's private folder is deleted before the
answer goes out.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from xlpkg.core.record import field, record
from xlpkg.errors import XlpkgError
from xlpkg.serve import evaluate
from xlpkg.serve.upload import UploadRefused, receive, too_large

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD = 50 * 1024 * 1024
TOKEN_HEADER = "x-xlpkg-token"
KEEP_RESULTS = 12            # results a page may still download from
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'none'; frame-ancestors 'none'; "
       "base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
NO_TOKEN = "缺少或错误的访问口令：请使用 xlpkg serve 启动时显示的完整地址打开本页面"


@record(frozen=False)
class Settings:
    port: int
    token: str
    workdir: Path                       # the server's private temp folder
    max_upload: int = MAX_UPLOAD
    results: OrderedDict = field(default_factory=OrderedDict)

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{h}" for h in self.hosts)


def _plain(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status)


class Guard:
    """ASGI middleware run before routing: Host, Origin, announced size, headers."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive_, send):
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive_, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(headers)
        if refusal is not None:
            await self._secured(refusal)(scope, receive_, send)
            return

        async def send_secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive_, send_secured)

    def _refusal(self, headers: Headers) -> Response | None:
        s = self.settings
        if headers.get("host") not in s.hosts:
            return _plain(403, "拒绝访问：请求的主机名不是本机地址")
        origin = headers.get("origin")
        if origin is not None and origin not in s.origins:
            return _plain(403, "拒绝访问：请求来自其他网站")
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return _plain(400, "请求格式不正确")
            if int(length) > s.max_upload:
                return JSONResponse({"error": too_large(s.max_upload).message}, status_code=413)
        return None

    @staticmethod
    def _secured(response: Response) -> Response:
        for name, value in SECURITY_HEADERS:
            response.headers[name.decode()] = value.decode()
        # the body may be unread: the connection must not be reused for another request
        response.headers["connection"] = "close"
        return response


def _token_ok(settings: Settings, supplied: str | None) -> bool:
    return supplied is not None and secrets.compare_digest(
        supplied.encode("utf-8", "replace"), settings.token.encode())


def _error(status: int, message: str, hint: str | None = None) -> JSONResponse:
    body = {"error": message}
    if hint:
        body["hint"] = hint
    return JSONResponse(body, status_code=status)


async def index(request: Request) -> Response:
    if not _token_ok(request.app.state.settings, request.query_params.get("token")):
        return _plain(403, NO_TOKEN)
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


def _downloads(settings: Settings, rid: str) -> dict[str, str]:
    kinds = ["report", "findings"] + (["tables"] if evaluate.tables_available() else [])
    return {k: f"/api/download/{rid}/{k}?token={settings.token}" for k in kinds}


async def evaluate_upload(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    settings: Settings = request.app.state.settings
    header_token = request.headers.get(TOKEN_HEADER)
    if header_token is not None and not _token_ok(settings, header_token):
        return _error(403, NO_TOKEN)
    # (re)made private: a sweep by another launch may have taken an idle folder
    settings.workdir.mkdir(mode=0o700, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="req-", dir=settings.workdir))
    try:
        try:
            upload = await receive(request.stream(), request.headers.get("content-type"),
                                   folder, settings.max_upload)
        except UploadRefused as exc:
            return _error(exc.status, exc.message)
        if header_token is None and not _token_ok(settings, upload.token):
            return _error(403, NO_TOKEN)
        try:
            async with request.app.state.one_at_a_time:
                result = await run_in_threadpool(evaluate.evaluate_upload, upload.path,
                                                 upload.display_name)
        except XlpkgError as exc:
            message = exc.message.replace(upload.path.name, upload.display_name)
            return _error(422, message.replace(str(upload.path), upload.display_name),
                          exc.hint)
        rid = secrets.token_urlsafe(12)
        settings.results[rid] = result
        while len(settings.results) > KEEP_RESULTS:
            settings.results.popitem(last=False)
        return JSONResponse(evaluate.view(result, _downloads(settings, rid)))
    except Exception as exc:  # noqa: BLE001 — a defect: say so in Chinese, keep serving
        print(f"xlpkg serve：处理失败（{type(exc).__name__}: {exc}）", file=sys.stderr)
        return _error(500, "处理失败，这可能是程序缺陷", "请用 xlpkg check 命令处理同一文件，并把输出发给维护人员")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _content_disposition(name: str) -> str:
    fallback = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


async def download(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    settings: Settings = request.app.state.settings
    supplied = request.query_params.get("token") or request.headers.get(TOKEN_HEADER)
    if not _token_ok(settings, supplied):
        return _error(403, NO_TOKEN)
    result = settings.results.get(request.path_params["rid"])
    maker = evaluate.DOWNLOADS.get(request.path_params["kind"])
    if result is None or maker is None:
        return _error(404, "找不到要下载的文件：结果已过期，请重新上传")
    if maker is evaluate.tables_download and not evaluate.tables_available():
        return _error(404, "本版本尚不能生成报送表格")
    async with request.app.state.one_at_a_time:
        name, data, media = await run_in_threadpool(maker, result)
    return Response(data, media_type=media,
                    headers={"content-disposition": _content_disposition(name)})


async def _http_error(request: Request, exc: HTTPException) -> Response:
    text = {404: "找不到该页面", 405: "不支持该请求方式"}.get(exc.status_code, "请求无法处理")
    return _plain(exc.status_code, text)


def create_app(settings: Settings):
    """The ASGI application: the Starlette app wrapped in :class:`Guard`."""
    import anyio

    app = Starlette(routes=[
        Route("/", index, methods=["GET"]),
        Route("/api/evaluate", evaluate_upload, methods=["POST"]),
        Route("/api/download/{rid}/{kind}", download, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ], exception_handlers={HTTPException: _http_error})
    app.state.settings = settings
    # two cores and one accountant: evaluations and renders run one after another
    app.state.one_at_a_time = anyio.Lock()
    return Guard(app, settings)
