"""The search page in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium): search
«طرطوس», see highlighted hits grouped by story, open a story, see an alert arrive live. Screenshots are kept
under test-artifacts/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from marsad.runner import Service
from tests.http_support import LIVE_ARTICLE, OTHER_ARTICLES, STORY_ARTICLES, free_port, jsonl, make_service, served

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WAIT_S = 15


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        message = "Debian's chromium and chromium-driver are not installed (scripts/setup --dev installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=ar"):
        options.add_argument(argument)
    options.add_argument("--window-size=1440,1000")
    driver = webdriver.Chrome(options=options, service=DriverService(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Service]]:
    service = make_service(tmp_path)
    service.push(jsonl(*STORY_ARTICLES, *OTHER_ARTICLES), "test")
    with served(service, free_port()) as base:
        yield base, service
    service.close()


def screenshot(driver: WebDriver, directory: Path, name: str) -> None:
    path = directory / name
    assert driver.save_screenshot(str(path))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / name)


def test_search_story_and_live_alert(browser: WebDriver, site: tuple[str, Service], tmp_path: Path) -> None:
    base, _ = site
    wait = WebDriverWait(browser, WAIT_S)
    browser.get(base + "/")
    wait.until(lambda driver: "on" in driver.find_element(By.ID, "live-status").get_attribute("class"))
    front = browser.find_element(By.ID, "results")  # the front page lists the latest stories
    browser.find_element(By.NAME, "q").send_keys("طرطوس", Keys.ENTER)
    wait.until(ec.staleness_of(front))

    stories = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "article.story")))
    assert len(stories) == 2
    marks = browser.find_elements(By.CSS_SELECTOR, "article.story .snippet mark")
    assert marks and {mark.text for mark in marks} == {"طرطوس"}
    (grouped,) = [story for story in stories if story.find_elements(By.CSS_SELECTOR, ".more")]
    assert grouped.find_element(By.CSS_SELECTOR, ".more").text == "+2 مصادر"
    assert grouped.find_element(By.CSS_SELECTOR, ".meta .source").text == "وكالة الساحل"  # the original first

    # The recent alerts are in the panel; a new one arrives while the page stays open.
    wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#alerts li[data-rule='tartus']"))
    assert not browser.find_elements(By.CSS_SELECTOR, "#alerts li[data-rule='hmeimim']")
    response = httpx.post(f"{base}/api/articles", content=jsonl(LIVE_ARTICLE), timeout=10)
    assert response.json()["accepted"] == 1
    live = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#alerts li[data-rule='hmeimim']")))
    assert "حميميم" in live.text
    screenshot(browser, tmp_path, "search.png")

    grouped.find_element(By.CSS_SELECTOR, ".more").click()
    rows = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "table.sources tbody tr")))
    assert [row.get_attribute("class") for row in rows] == ["original", "reprint", "reprint"]
    assert [row.find_element(By.CSS_SELECTOR, "td").text for row in rows] == [
        "وكالة الساحل",
        "صحيفة الشرق",
        "إذاعة المدينة",
    ]
    screenshot(browser, tmp_path, "story.png")


def test_article_markup_is_shown_not_run(browser: WebDriver, site: tuple[str, Service]) -> None:
    base, _ = site
    browser.get(f"{base}/?q={quote('دمشق')}")
    snippet = WebDriverWait(browser, WAIT_S).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "article.story .snippet"))
    )
    assert "<script>window.injected=1</script>" in snippet.text
    assert browser.execute_script("return window.injected === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "article.story .snippet img")
