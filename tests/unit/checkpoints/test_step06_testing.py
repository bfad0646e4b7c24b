"""Step 6, testing: pytest files, unittest cases, fixtures, mocks, parametrize,
test clients and coverage, on the code learners really write."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, line_of, milestones, write

FLASKR = fixture("testing", "flaskr-pytest")
DJANGO = fixture("testing", "django-polls")
MICROBLOG = fixture("tutorials", "microblog")


# -- test.pytest-file ------------------------------------------------------------------


def test_asserting_test_function_in_a_test_file_is_a_pytest_milestone() -> None:
    found = milestones(FLASKR)
    assert "tests/test_factory.py:4" in found["test.pytest-file"]
    assert "tests/test_auth.py:4" in found["test.pytest-file"]


def test_pytest_style_test_class_counts_as_a_pytest_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"test_cart.py": "class TestCart:\n    def test_total(self):\n        assert 1 + 1 == 2\n"},
    )
    assert milestones(tmp_path)["test.pytest-file"] == ["test_cart.py:2"]


def test_pytest_raises_is_an_assertion(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_parse.py": "import pytest\n\n\ndef test_bad_input():\n"
            "    with pytest.raises(ValueError):\n        int('x')\n"
        },
    )
    assert milestones(tmp_path)["test.pytest-file"] == ["tests/test_parse.py:4"]


def test_csv_named_like_a_test_is_not_a_pytest_file(tmp_path: Path) -> None:
    write(tmp_path, {"test_data.csv": "name,age\nada,36\n", "tests/test_users.json": "[]"})
    assert "test.pytest-file" not in milestones(tmp_path)


def test_test_function_that_asserts_nothing_is_not_a_pytest_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_models.py": "from app.models import User\n\n\n"
            "def test_user():\n    user = User('ada')\n    print(user)\n"
        },
    )
    assert "test.pytest-file" not in milestones(tmp_path)


def test_asserting_function_outside_a_test_file_is_not_a_pytest_test(tmp_path: Path) -> None:
    write(tmp_path, {"app/checks.py": "def test_connection(db):\n    assert db.ping()\n"})
    assert "test.pytest-file" not in milestones(tmp_path)


def test_django_tests_py_is_unittest_not_pytest() -> None:
    found = milestones(DJANGO)
    assert "test.pytest-file" not in found
    assert "test.unittest" in found


def test_unittest_case_in_a_test_file_is_not_a_pytest_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "test_calc.py": "import unittest\n\n\nclass CalcTest(unittest.TestCase):\n"
            "    def test_add(self):\n        assert 1 + 1 == 2\n"
        },
    )
    found = milestones(tmp_path)
    assert "test.pytest-file" not in found
    assert found["test.unittest"] == ["test_calc.py:4"]


# -- test.unittest ---------------------------------------------------------------------


def test_django_testcase_is_a_unittest_test() -> None:
    found = milestones(DJANGO)["test.unittest"]
    assert "polls/tests.py:24" in found  # QuestionIndexViewTests(TestCase)


def test_test_case_deriving_from_a_project_base_class_is_a_unittest_test() -> None:
    # QuestionModelTests(PollsTestCase): the base is the project's own TestCase
    assert "polls/tests.py:21" in milestones(DJANGO)["test.unittest"]


def test_plain_unittest_tests_py_is_a_unittest_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests.py": "import unittest\n\nfrom calc import add\n\n\n"
            "class AddTest(unittest.TestCase):\n    def test_two(self):\n"
            "        self.assertEqual(add(1, 1), 2)\n"
        },
    )
    assert "tests.py:6" in milestones(tmp_path)["test.unittest"]


def test_testcase_without_test_methods_is_not_a_unittest_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/base.py": "from unittest import TestCase\n\n\nclass BaseCase(TestCase):\n"
            "    def setUp(self):\n        self.items = []\n"
        },
    )
    assert "test.unittest" not in milestones(tmp_path)


def test_pytest_test_class_is_not_a_unittest_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"test_cart.py": "class TestCart:\n    def test_total(self):\n        assert 2 == 2\n"},
    )
    assert "test.unittest" not in milestones(tmp_path)


# -- test.fixture ----------------------------------------------------------------------


def test_pytest_fixture_in_conftest_is_a_milestone() -> None:
    assert milestones(FLASKR)["test.fixture"] == ["tests/conftest.py:9", "tests/conftest.py:18"]


def test_fixture_imported_by_name_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "conftest.py": "from pytest import fixture\n\n\n@fixture()\ndef user():\n    return {'name': 'ada'}\n"
        },
    )
    assert milestones(tmp_path)["test.fixture"] == ["conftest.py:4"]


def test_django_data_fixtures_are_not_pytest_fixtures() -> None:
    # polls/fixtures/questions.json and `fixtures = [...]` on a TestCase load data
    assert "test.fixture" not in milestones(DJANGO)


def test_conftest_without_fixtures_is_not_a_fixture(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "conftest.py": "def pytest_configure(config):\n    config.addinivalue_line('markers', 'slow')\n"
        },
    )
    assert "test.fixture" not in milestones(tmp_path)


# -- test.mock -------------------------------------------------------------------------


def test_monkeypatch_in_a_test_is_a_mock() -> None:
    assert milestones(FLASKR)["test.mock"] == ["tests/test_factory.py:9"]


def test_unittest_mock_patch_is_a_mock(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_weather.py": "from unittest.mock import patch\n\nfrom app import weather\n\n\n"
            "@patch('app.weather.fetch')\ndef test_today(fetch):\n"
            "    fetch.return_value = {'t': 20}\n    assert weather.today() == 20\n"
        },
    )
    assert "tests/test_weather.py:1" in milestones(tmp_path)["test.mock"]


def test_fixture_using_monkeypatch_is_a_mock(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture(autouse=True)\n"
            "def fake_env(monkeypatch):\n    monkeypatch.setenv('API_KEY', 'test')\n"
        },
    )
    assert milestones(tmp_path)["test.mock"] == ["tests/conftest.py:5"]


def test_http_and_clock_mocking_libraries_are_mocks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_clock.py": "from freezegun import freeze_time\n\n\n"
            "@freeze_time('2024-01-01')\ndef test_new_year():\n    assert True\n"
        },
    )
    assert milestones(tmp_path)["test.mock"] == ["tests/test_clock.py:1"]


def test_mock_named_data_is_not_a_mock(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/mock_data.py": "MOCK_USERS = [{'name': 'ada'}]\n",
            "tests/test_users.py": "import unittest\n\nfrom tests.mock_data import MOCK_USERS\n\n\n"
            "def test_users():\n    mock_user = MOCK_USERS[0]\n    assert mock_user['name']\n",
        },
    )
    assert "test.mock" not in milestones(tmp_path)


# -- test.parametrize ------------------------------------------------------------------


def test_parametrize_is_a_milestone() -> None:
    assert milestones(FLASKR)["test.parametrize"] == ["tests/test_auth.py:8"]


def test_other_pytest_marks_and_loops_are_not_parametrize(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_math.py": "import pytest\n\n\n@pytest.mark.slow\ndef test_squares():\n"
            "    for n, sq in [(2, 4), (3, 9)]:\n        assert n * n == sq\n"
        },
    )
    assert "test.parametrize" not in milestones(tmp_path)


# -- test.api-client -------------------------------------------------------------------


def test_flask_test_client_is_an_api_test() -> None:
    assert "tests/conftest.py:20" in milestones(FLASKR)["test.api-client"]


def test_django_self_client_is_an_api_test() -> None:
    assert milestones(DJANGO)["test.api-client"] == ["polls/tests.py:26"]


def test_fastapi_testclient_is_an_api_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_main.py": "from fastapi.testclient import TestClient\n\nfrom app.main import app\n\n"
            "client = TestClient(app)\n\n\ndef test_read_main():\n"
            "    assert client.get('/').status_code == 200\n"
        },
    )
    assert milestones(tmp_path)["test.api-client"] == ["tests/test_main.py:5"]


def test_pytest_django_client_fixture_is_an_api_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "blog/tests/test_views.py": "def test_home(client):\n"
            "    response = client.get('/')\n    assert response.status_code == 200\n"
        },
    )
    assert milestones(tmp_path)["test.api-client"] == ["blog/tests/test_views.py:1"]


def test_httpx_client_over_the_asgi_app_is_an_api_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_api.py": "import httpx\n\nfrom app.main import app\n\n\n"
            "async def test_root():\n"
            "    transport = httpx.ASGITransport(app=app)\n"
            "    async with httpx.AsyncClient(transport=transport, base_url='http://test') as ac:\n"
            "        response = await ac.get('/')\n    assert response.status_code == 200\n"
        },
    )
    assert milestones(tmp_path)["test.api-client"] == ["tests/test_api.py:8"]


def test_requests_against_a_running_server_is_not_a_test_client(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/test_live.py": "import httpx\nimport requests\n\n\ndef test_home():\n"
            "    assert requests.get('http://localhost:5000/').ok\n\n\n"
            "def test_weather_api():\n    with httpx.Client() as http:\n"
            "        assert http.get('https://api.example.invalid/today').status_code == 200\n"
        },
    )
    assert "test.api-client" not in milestones(tmp_path)


def test_test_client_outside_tests_is_not_an_api_test(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "smoke.py": "from app import app\n\nwith app.test_client() as c:\n    print(c.get('/').status_code)\n"
        },
    )
    assert "test.api-client" not in milestones(tmp_path)


# -- test.coverage ---------------------------------------------------------------------


def test_pytest_cov_in_dev_requirements_is_coverage() -> None:
    # the requirement's own line, not the file's first line (`-r requirements.txt`)
    wanted = line_of(FLASKR, "requirements-dev.txt", "pytest-cov")
    assert wanted in milestones(FLASKR)["test.coverage"]


def test_coverage_table_in_pyproject_is_coverage(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.coverage.run]\nbranch = true\nsource = ['app']\n"})
    assert milestones(tmp_path)["test.coverage"] == ["pyproject.toml:1"]


def test_coveragerc_and_cov_option_count(tmp_path: Path) -> None:
    write(tmp_path, {"pytest.ini": "[pytest]\naddopts = --cov=app --cov-report=term\n"})
    assert milestones(tmp_path)["test.coverage"] == ["pytest.ini:2"]
    write(tmp_path, {".coveragerc": "[run]\nomit = tests/*\n"})
    assert ".coveragerc:1" in milestones(tmp_path)["test.coverage"]


def test_ci_running_pytest_with_coverage_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".github/workflows/tests.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: pytest --cov=app\n"
        },
    )
    assert milestones(tmp_path)["test.coverage"] == [".github/workflows/tests.yml:6"]


def test_plain_pytest_and_prose_about_coverage_are_not_coverage(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "pytest==8.2.0\n",
            "README.md": "TODO: measure coverage with pytest-cov\n",
            "setup.cfg": "[flake8]\nmax-line-length = 100\n",
            "pytest.ini": "[pytest]\n# we could add --cov later\naddopts = -q\n",
        },
    )
    assert "test.coverage" not in milestones(tmp_path)


# -- a tutorial project, chapter by chapter ---------------------------------------------


def test_mega_tutorial_tests_py_is_unittest_and_not_pytest() -> None:
    found = milestones(MICROBLOG)
    assert found["test.unittest"] == ["tests.py:16", "tests.py:31", "tests.py:32"]
    assert "test.pytest-file" not in found
    assert "test.fixture" not in found and "test.api-client" not in found
