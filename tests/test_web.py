"""The site's pages over the sample store."""
import pytest

from kms import create_app


@pytest.fixture
def client(sample_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(sample_dir)})
    return app.test_client()


def test_home_shows_the_record_count(client):
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "inovasi tersimpan" in text and '<html lang="id">' in text
