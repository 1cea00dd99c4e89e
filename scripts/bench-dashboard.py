#!/usr/bin/env python3
"""The dashboard's overview page on a big store (issue #17, "Speed"; a benchmark, not a test).

Run by scripts/bench-dashboard.sh, which starts a stack and a gateway on a store built by
`earshot bench store`. In headless chromium (Debian's chromium and chromium-driver, selenium
from PyPI) this signs in with a reader token and opens the overview page of each scope (all
posts, one listening query, the group) over the last year by day, RUNS times each, and prints
the time from navigation start to the charts drawn (the page's data-drawn-at, against
performance.timeOrigin): module loading, every API call the charts need and the drawing; and
the time until the page is complete (data-complete-at: the top authors' table, which the page
fills in after the charts since it ranks every author of the range). Every load's times are
printed as it ends, and for a load slower than 1 s each request it finished (API calls and the page's files) (start and duration
from the page's resource timing), so that a slow load shows which call held it up; a load that
does not end within --timeout seconds is counted at that.
"""
import argparse
import json
import statistics
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--reader", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=120, help="seconds a load may take; a slower one is counted at this")
    args = parser.parse_args()

    request = urllib.request.Request(f"{args.base}/v1/queries", headers={"Authorization": f"Bearer {args.reader}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        queries = json.load(response)["queries"]
    request = urllib.request.Request(f"{args.base}/v1/overview?from=2000-01-01T00:00:00Z", headers={"Authorization": f"Bearer {args.reader}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        total = json.load(response)["posts"]
    first = queries[0]
    scopes = [("all posts", ""), (f"query {first['name']}", f"&queryId={first['id']}"), (f"group {first['group']}", f"&group={first['group']}")]

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(args.base + "/")
        driver.execute_script("sessionStorage.setItem('earshot-token', arguments[0])", args.reader)
        print(f"store: {total} posts; overview page over the last year by day, {args.runs} runs per scope, "
              "navigation start to charts drawn (headless chromium)")
        print("every load as it ends:", flush=True)
        summaries = []
        number = 0
        for name, parameters in scopes:
            times = []
            complete = []
            shown = ""
            for _ in range(args.runs):
                number += 1
                driver.get("about:blank")
                driver.get(f"{args.base}/#/overview?hours=8760&interval=day{parameters}")
                try:
                    WebDriverWait(driver, args.timeout, poll_frequency=0.02).until(
                        lambda d: d.find_elements(By.CSS_SELECTOR, "#overview-body[aria-busy='false'][data-drawn-at]"))
                    drawn, origin = driver.execute_script(
                        "return [Number(document.querySelector('#overview-body').dataset.drawnAt), performance.timeOrigin]")
                    times.append((drawn - origin) / 1000)
                    shown = driver.find_elements(By.CSS_SELECTOR, "[data-metric='posts'] .value")[0].text
                    WebDriverWait(driver, args.timeout, poll_frequency=0.02).until(
                        lambda d: d.find_elements(By.CSS_SELECTOR, "#overview-body[data-complete-at]"))
                    done = driver.execute_script("return Number(document.querySelector('#overview-body').dataset.completeAt)")
                    complete.append((done - origin) / 1000)
                except TimeoutException:
                    times += [] if len(times) == len(complete) + 1 else [float(args.timeout)]
                    complete.append(float(args.timeout))
                calls = driver.execute_script(
                    "return performance.getEntriesByType('resource')"
                    ".map((e) => [e.name.replace(location.origin, '').split('&from=')[0], e.startTime / 1000, e.duration / 1000])")
                print(f"  load {number:>2} {name:<22} charts drawn {times[-1]:>8.3f}s, complete {complete[-1]:>8.3f}s", flush=True)
                if times[-1] > 1:
                    navigation = driver.execute_script(
                        "const n = performance.getEntriesByType('navigation')[0]; return n ? ['fetchStart', 'domainLookupStart',"
                        " 'connectStart', 'connectEnd', 'requestStart', 'responseStart', 'responseEnd', 'domContentLoadedEventEnd']"
                        ".map((k) => [k, n[k] / 1000]) : []")
                    print("      the page itself: " + ", ".join(f"{key} {at:.3f}s" for key, at in navigation), flush=True)
                    for call, started, duration in calls:
                        print(f"      request started at {started:>7.3f}s, took {duration:>7.3f}s: {call}", flush=True)
            summaries.append(f"{name:<24} {shown:>10} {times[0]:>13.3f}s {statistics.median(times):>7.3f}s {max(times):>7.3f}s"
                             f" {complete[0]:>15.3f}s {statistics.median(complete):>7.3f}s {max(complete):>7.3f}s")
        print(f"{'scope':<24} {'posts':>10} {'charts: first':>14} {'median':>8} {'max':>8} {'complete: first':>16} {'median':>8} {'max':>8}")
        for line in summaries:
            print(line)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
