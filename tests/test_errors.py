"""Error pages: a clear page in the user's language, never a stack trace."""
from __future__ import annotations

from tracker import create_app


def test_server_error_page_is_translated_and_hides_details(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.sqlite3'}", "SECRET_KEY": "x"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "secret internals" not in page
    page = client.get("/boom", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "出错了" in page


def test_stale_csrf_token_gets_a_clear_page(client, signed_in):
    signed_in("secretary")
    client.csrf_token = "stale"
    response = client.post("/people/new", data={"name": "x"})
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)


def test_unknown_page_is_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
