"""The open-data API fuzzed by a tool we did not write: schemathesis reads the live OpenAPI schema
(/api/v1/schema/) and sends every operation the requests it allows and the ones it does not,
with all its checks on: no server error, every status code, content type and header documented,
every body valid against the schema, schema-valid requests accepted and invalid ones refused,
405 for undeclared methods.

The site runs as production runs it: gunicorn (two sync workers, production settings over plain
HTTP on 127.0.0.1) on a temporary SQLite file loaded with the article's content and the sample
data, so lists have rows and sample rows exist for `?include_samples=1`. The API's per-client
rate (PORTAL_API_RATE) is lifted: schemathesis is one client sending thousands of requests.

Every phase runs: the schema's examples, the coverage cases (each parameter's boundaries and
invalid values), MAX_EXAMPLES generated requests per operation, and stateful scenarios that follow
the links between lists and details. Budget: SCHEMATHESIS_BUDGET_SECONDS (default 150; about 70 on
an idle 2-core machine) of wall time for the run; a run that goes over it, skips a phase, leaves an
operation untested or sends fewer than MIN_REQUESTS_PER_OPERATION requests per operation fails
saying so: slow fuzzing is a failure, never a skip.
The one status added to what counts as refusing invalid input is 414: gunicorn refuses a request
line over 4094 bytes itself (the schema documents it), and schemathesis' invalid arrays reach that.
CSV answers are checked too: this module is also schemathesis' hooks module (SCHEMATHESIS_HOOKS),
whose deserializer reads a text/csv body as the schema describes it, rows of cells, refusing one
that is not UTF-8 with a byte-order mark or whose rows are not as wide as its header.
Seed: SCHEMATHESIS_SEED, else fixed under CI=true and random locally; printed with the report.
"""

import codecs
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import schemathesis

from scripts.servers import BASE_DIR
from tests import servers

# budget: `make test` runs this module alone, after the parallel workers, which would eat its budget.
pytestmark = [pytest.mark.own_servers, pytest.mark.budget]

BUDGET_SECONDS = float(os.environ.get("SCHEMATHESIS_BUDGET_SECONDS") or 150)
SEED = int(os.environ.get("SCHEMATHESIS_SEED") or (20261128 if os.environ.get("CI") == "true" else random.randrange(2**31)))
MAX_EXAMPLES = 10
MIN_REQUESTS_PER_OPERATION = 20
PHASES = ("Examples", "Coverage", "Fuzzing", "Stateful")
# schemathesis' configuration file, read from the directory it runs in: the statuses that refuse
# invalid input are its defaults (4.32) and 414.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "5xx"]
"""
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@schemathesis.deserializer("text/csv")
def csv_rows(ctx, response) -> list[list[str]]:
    """A CSV body as rows of cells (portal.api.CSV_SCHEMA), for schemathesis to validate."""
    if not response.content.startswith(codecs.BOM_UTF8):
        raise ValueError("a CSV answer without the UTF-8 byte-order mark (Excel would garble it)")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    if any(len(row) != len(rows[0]) for row in rows):
        raise ValueError(f"CSV rows of {sorted({len(row) for row in rows})} cells under a header of {len(rows[0])}")
    return rows


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The portal under gunicorn with the content and the sample data; its port and access log."""
    workdir = tmp_path_factory.mktemp("api-site")
    env = servers.production_env(
        DATABASE_URL=f"sqlite:///{workdir / 'portal.sqlite3'}",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        PORTAL_PRIVATE_ROOT=str(workdir / "private"),
        PORTAL_API_RATE="1000000/min",
    )
    collect = servers.start_manage("collectstatic", "--noinput", "-v0", env=env)
    servers.manage("migrate", "--noinput", "-v0", env=env)
    servers.manage("load_initial_data", env=env)
    servers.manage("load_sample_data", env=env)
    servers.finish_manage(collect)
    with servers.gunicorn_servers(env, workdir, count=1, workers=2) as (port,):
        yield port, workdir / "0" / "access.log"


def live_schema(port: int, target: Path) -> list[str]:
    """The schema the site serves, saved to `target` for schemathesis (its own download gives up
    after 10 s, which generating the schema can take on a busy 2-core machine); the operations
    it describes, as "METHOD path"."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/schema/?format=json", timeout=60) as response:
        target.write_bytes(response.read())
    schema = json.loads(target.read_text())
    return [f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item]


def test_schemathesis_finds_nothing_wrong_with_the_api(site, tmp_path):
    if not SCHEMATHESIS.exists():
        servers.missing("schemathesis is not installed: pip install -r requirements-dev.txt")
    port, access_log = site
    described = live_schema(port, tmp_path / "schema.json")
    command = [
        str(SCHEMATHESIS),
        "run",
        str(tmp_path / "schema.json"),
        f"--url=http://127.0.0.1:{port}",
        "--checks=all",
        f"--max-examples={MAX_EXAMPLES}",
        "--workers=2",  # the two gunicorn workers
        f"--seed={SEED}",
        "--generation-database=none",
        "--request-timeout=30",
        "--no-color",
    ]
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    env = {**os.environ, "SCHEMATHESIS_HOOKS": __name__, "PYTHONPATH": str(BASE_DIR)}
    try:
        run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=BUDGET_SECONDS)
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(
            f"schemathesis ran over SCHEMATHESIS_BUDGET_SECONDS={BUDGET_SECONDS:g} (seed {SEED}): the machine is too slow"
            f" or busy, or the API is.\n{timeout.stdout or ''}"
        )
    report = f"seed {SEED} (SCHEMATHESIS_SEED={SEED} repeats it):\n{run.stdout}\n{run.stderr}"
    print(report)  # shown by pytest with -s or on failure: the operations, phases and test cases

    assert run.returncode == 0, f"schemathesis found problems, {report}"
    summary = run.stdout.rsplit("SUMMARY", 1)[-1]
    for phase in PHASES:
        assert f"✅ {phase}" in summary, f"the {phase} phase did not run, {report}"
    tested = re.search(r"Tested:\s+(\d+)", run.stdout)
    assert tested and int(tested.group(1)) == len(described), f"not every one of {len(described)} operations was tested, {report}"
    requests = sum("/api/v1/" in line for line in access_log.read_text().splitlines())
    wanted = MIN_REQUESTS_PER_OPERATION * len(described)
    print(f"{len(described)} operations, {requests} requests served")
    assert requests >= wanted, f"only {requests} requests reached the site (at least {wanted} wanted), {report}"


# What schemathesis found, kept as quick tests of their own (in-process, no server). Factories are
# imported in the tests: schemathesis imports this module as its hooks, without Django set up.


@pytest.mark.django_db
def test_building_the_schema_does_not_freeze_the_filters_choices(client):
    """Describing a data choice (?column=) built its form field on the FilterSet's class: every
    later request of the process kept the choices of that moment and refused a new value."""
    from tests.factories import make_article

    make_article(column="园区巡礼")
    assert client.get("/api/v1/schema/").status_code == 200
    new = make_article(column="创新动态")
    body = client.get("/api/v1/articles/?column=创新动态").json()
    assert [row["slug"] for row in body["results"]] == [new.slug]
    assert "创新动态" in client.get("/api/v1/schema/?format=json").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?page_size=1&page_size=2", 400),  # which one would count?
        ("?q=a&q=b", 400),
        ("?page_size=0", 400),
        ("?page_size=1.5", 400),
        ("?include_samples=yes", 400),
        ("?download=0", 400),
        ("?page=", 404),  # DRF read it as page 1
        ("?page=last", 404),
        ("?download=1&page=abc", 404),
        ("?format=", 404),  # was JSON
    ],
)
def test_what_the_schema_does_not_allow_is_refused_in_json(client, query, status):
    from tests.factories import make_article

    make_article()
    response = client.get(f"/api/v1/articles/{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert re.search(r"[\u4e00-\u9fff]", json.dumps(response.json(), ensure_ascii=False))


@pytest.mark.django_db
def test_the_schema_describes_what_the_api_checks(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/parks/indicators/"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
    assert parameters["page_size"]["minimum"] == 1
    photos = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/photos/"]["get"]["parameters"]}
    assert photos["include_samples"]["enum"] == ["0", "1"]
    assert parameters["year"]["enum"][0] == ""  # empty: every year
    assert {"400", "404", "429", "414"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["text/csv"]["schema"]["type"] == "array"  # rows of cells
    milestones = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/parks/milestones/"]["get"]["parameters"]}
    assert milestones["year_from"] == {"type": "integer", "minimum": 1900, "maximum": 2200}
    assert milestones["q"]["maxLength"] == 100
    detail = schema["paths"]["/api/v1/articles/{slug}/"]["get"]["parameters"]
    assert detail[-1]["schema"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    # what the slug converter refuses matches no route: the site's HTML 404 page, documented
    assert "text/html" in schema["paths"]["/api/v1/articles/{slug}/"]["get"]["responses"]["404"]["content"]
