import pytest

from app import create_app


@pytest.fixture
def client(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "test.sqlite3"), "TESTING": True})
    return app.test_client()


def test_index_answers(client):
    response = client.get("/")
    assert response.status_code == 200
