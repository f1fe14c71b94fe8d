"""A tiny browser over real HTTP (http.client): its own cookies, signs in through the form, follows
no redirect. One per thread, so each concurrent request carries its own session."""

import http.client
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


class Browser:
    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Response:
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            headers = {name.lower(): value for name, value in raw.getheaders()}
            return Response(raw.status, headers, text)
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)

    def sign_in(self, username: str, password: str) -> "Browser":
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status == HTTPStatus.FOUND, f"sign-in of {username}: {response.status}"
        assert "sessionid" in self.cookies
        return self

    def form_field(self, path: str, name: str) -> str:
        """The value of a form's field on the page, as a person's browser would send it."""
        page = self.get(path)
        assert page.status == HTTPStatus.OK, f"{path}: {page.status}"
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', page.text)
        assert match, f"no {name} field on {path}"
        return match.group(1) or match.group(2)


def all_at_once(actions) -> list:
    """Run every action in its own thread, released together by a barrier; their results, in order.

    An exception in a thread is returned in its place, so one failure does not hide the others.
    """
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=60)
            results[index] = action()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
