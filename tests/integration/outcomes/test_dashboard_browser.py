"""The dashboard in headless Chromium: what a person would see, in Korean and English.
The screenshots stay in test-artifacts/ (dashboard-ko.png, dashboard-en.png)."""

import asyncio
from datetime import UTC, datetime
from html.parser import HTMLParser

import httpx
import pytest

from tests.utils.keys import STANDARD, write_keyring
from tests.utils.outcome_facts import cohort_of, employed
from tests.utils.processes import ARTIFACTS
from tests.utils.servers import serve
from traintrack.devstack import install
from traintrack.outcomes.bootstrap import create_app
from traintrack.outcomes.settings import OutcomesSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chromium() -> str:
    return str(install.chromium())


async def browse(chromium: str, url: str, *args: str) -> str:
    """Chromium runs beside the server in this event loop, so it must not block it."""
    process = await asyncio.create_subprocess_exec(
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,2000",
        *args,
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0
    return out.decode()


class Shown(HTMLParser):
    """What the page shows: KPI texts by indicator, bars by chart (label -> text)."""

    def __init__(self) -> None:
        super().__init__()
        self.kpis: dict[str, str] = {}
        self.bars: dict[str, dict[str, str]] = {}
        self.headings: list[str] = []
        self._kpi: str | None = None
        self._chart: str | None = None
        self._bar: str | None = None
        self._texts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-indicator" in a:
            self._kpi, self._texts = a["data-indicator"], []
        if "data-chart" in a:
            self._chart = a["data-chart"]
            self.bars[self._chart] = {}
        if tag == "g" and "data-label" in a:
            self._bar, self._texts = a["data-label"], []
        if tag in ("h1", "h2"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == "g" and self._bar is not None and self._chart:
            self.bars[self._chart][self._bar] = self._texts[-1] if self._texts else ""
            self._bar = None
        if tag == "div" and self._kpi is not None and len(self._texts) >= 2:
            self.kpis[self._kpi] = self._texts[0]
            self._kpi = None
        if tag in ("h1", "h2"):
            self._in = None

    def handle_data(self, data):
        if data.strip():
            self._texts.append(data.strip())
            if self._in:
                self.headings.append(data.strip())


@pytest.fixture(scope="module")
async def dashboard_url(platform, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys") / "keyring.json"
    issued = write_keyring(keys, STANDARD)
    settings = OutcomesSettings(
        database_url=await platform.fresh_database("dashboard"),
        kafka_bootstrap=platform.kafka_bootstrap,
        keyring_file=keys,
    )
    app = create_app(settings)
    async with serve(app) as url:
        # Daejeon: 6 completers, 3 employed; Gangwon: 4 people, a small cell; Seoul: 5, the
        # smallest other region, withheld beside Gangwon (else all - Daejeon - Seoul = it).
        _, daejeon = await cohort_of(app, 6, institute="inst-a", region="30")
        await cohort_of(app, 4, institute="inst-b", region="51")
        await cohort_of(app, 5, institute="inst-c", region="11")
        async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": issued["institute"]}) as c:
            for trainee in daejeon[:3]:
                assert (await c.post("/v1/outcome-reports", json=employed(trainee))).is_success
        yield f"{url}/dashboard?as_of={datetime.now(UTC).date()}"


async def test_the_dashboard_shows_the_funnel_and_employment_by_region_in_korean(
    chromium, dashboard_url
):
    ARTIFACTS.mkdir(exist_ok=True)
    picture = ARTIFACTS / "dashboard-ko.png"
    await browse(chromium, dashboard_url, f"--screenshot={picture}")
    assert picture.stat().st_size > 20_000  # a real rendering, not a blank page
    shown = Shown()
    shown.feed(await browse(chromium, dashboard_url, "--dump-dom"))
    assert "traintrack 훈련 성과" in shown.headings and "성과 퍼널" in shown.headings
    assert shown.kpis["completion_rate"] == "100.0%"
    assert shown.kpis["employment_rate_6m"] == "20.0%"  # 3 of 15 completers
    assert shown.bars["funnel"]["등록"] == "15 명"
    assert shown.bars["funnel"]["취업"] == "5명 미만 비공개"  # 3 people: withheld
    assert shown.bars["by-region"] == {
        "대전": "50.0%",
        "강원": "5명 미만 비공개",
        "서울": "비공개 (소규모 항목 보호)",
    }


async def test_the_dashboard_in_english(chromium, dashboard_url):
    picture = ARTIFACTS / "dashboard-en.png"
    url = dashboard_url + "&lang=en"
    await browse(chromium, url, f"--screenshot={picture}")
    shown = Shown()
    shown.feed(await browse(chromium, url, "--dump-dom"))
    assert "traintrack training outcomes" in shown.headings
    assert shown.bars["funnel"]["Enrolled"] == "15 people"
    assert shown.bars["by-region"]["30"] == "50.0%"
