"""The chat page in a real browser (Debian's headless Chromium through selenium), against a live
`chatbot serve` whose model is the real local llama-server. Run by Scripts/check-web, which starts
the server and creates the users; screenshots of each step go to --artifacts.

Each check fails when its feature is broken: the login refusing a wrong password, an answer
streamed into the page, the session surviving a reload through the HttpOnly refresh cookie alone,
user text and hostile Markdown rendered as text (no element, no script run), another user not
seeing the conversation, and no CSP violation or script error in the browser's log.
"""

import argparse
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

HOSTILE_USER_TEXT = 'Say hello in five words. <img src=x onerror="window.__pwned=1">'
HOSTILE_MARKDOWN = (
    "**bold** and *it* and `<b>code</b>`\n"
    "[safe](https://example.com/a) [evil](javascript:window.__pwned=2)\n"
    "<script>window.__pwned=3</script> <img src=x onerror=\"window.__pwned=4\">\n"
    "```html\n<b>not bold</b>\n```\n"
    "- one\n- two\n"
)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,800"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Check:
    def __init__(self, driver, artifacts):
        self.driver = driver
        self.artifacts = artifacts
        self.step = 0
        self.failures = []

    def shot(self, name):
        self.step += 1
        self.driver.save_screenshot(os.path.join(self.artifacts, f"{self.step:02d}-{name}.png"))

    def expect(self, condition, message):
        status = "ok" if condition else "FAILED"
        print(f"web: {status}: {message}", flush=True)
        if not condition:
            self.failures.append(message)


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def login(driver, base, user, password):
    driver.get(base + "/")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "login-form")))
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-button").click()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--other-user", required=True)
    parser.add_argument("--other-password", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--answer-timeout", type=float, default=180)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    base = args.url.rstrip("/")

    driver = browser()
    check = Check(driver, args.artifacts)
    try:
        # A wrong password is refused on the page, and the app stays hidden.
        login(driver, base, args.user, "not the password")
        error = wait(driver).until(lambda d: d.find_element(By.ID, "login-error").text or None)
        check.expect("Wrong user name or password" in error, f"a wrong password is refused ({error!r})")
        check.expect(not driver.find_element(By.ID, "app").is_displayed(), "the app stays hidden after a refusal")
        check.shot("wrong-password")

        # The right one opens the app.
        login(driver, base, args.user, args.password)
        wait(driver).until(EC.visibility_of_element_located((By.ID, "app")))
        check.expect(driver.find_element(By.ID, "user-name").text == args.user, "the user's name is shown")
        check.shot("logged-in")

        # A question streams an answer from the model; the user's text is shown as text.
        box = driver.find_element(By.ID, "message")
        box.send_keys(HOSTILE_USER_TEXT)
        driver.find_element(By.ID, "send").click()
        answer_meta = (By.CSS_SELECTOR, "#messages li.assistant .meta")
        wait(driver, args.answer_timeout).until(
            lambda d: (m := d.find_elements(*answer_meta)) and m[-1].text not in ("", "…"))
        meta = driver.find_elements(*answer_meta)[-1].text
        answer = driver.find_elements(By.CSS_SELECTOR, "#messages li.assistant .body")[-1].text
        check.expect("tokens" in meta and "failed" not in meta, f"the answer completed ({meta!r})")
        check.expect(len(answer.strip()) > 0, f"the answer has text ({answer[:60]!r})")
        user_body = driver.find_elements(By.CSS_SELECTOR, "#messages li.user .body")[-1]
        check.expect(user_body.text == HOSTILE_USER_TEXT, "the user's text is shown as typed")
        check.expect(not driver.find_elements(By.CSS_SELECTOR, "#messages img"), "no element from the user's text")
        title = driver.find_element(By.ID, "title").text
        listed = wait(driver).until(lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, "#conversations button")] or None)
        check.expect(title in listed, f"the conversation is listed ({title!r} in {listed!r})")
        check.shot("answered")

        # Nothing in page storage, and the refresh cookie is not readable by script.
        storage = driver.execute_script("return [localStorage.length, sessionStorage.length, document.cookie]")
        check.expect(storage == [0, 0, ""], f"no token in storage or script-visible cookies ({storage!r})")

        # A reload keeps the session (the HttpOnly cookie alone) and reopens the conversation.
        driver.refresh()
        wait(driver).until(EC.visibility_of_element_located((By.ID, "app")))
        button = wait(driver).until(lambda d: next(
            (b for b in d.find_elements(By.CSS_SELECTOR, "#conversations button") if b.text == title), None))
        button.click()
        wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li")) >= 2)
        restored = [li.get_attribute("class") for li in driver.find_elements(By.CSS_SELECTOR, "#messages li")]
        check.expect(restored[:2] == ["message user", "message assistant"], f"the conversation reopens ({restored!r})")
        check.shot("reloaded")

        # A document uploaded into a new collection becomes a job the page follows; an answer
        # asked from that collection cites it.
        driver.find_element(By.ID, "new-chat").click()
        Select(driver.find_element(By.ID, "collection")).select_by_visible_text("New collection…")
        name_box = wait(driver).until(EC.visibility_of_element_located((By.ID, "new-collection")))
        name_box.send_keys("handbook")
        driver.find_element(By.CSS_SELECTOR, "#new-collection-form button").click()
        wait(driver).until(EC.visibility_of_element_located((By.ID, "upload-label")))
        folder = tempfile.mkdtemp(prefix="chatbot-web-")
        document = os.path.join(folder, "lamp.txt")
        with open(document, "w", encoding="utf-8") as handle:
            handle.write("The lighthouse lamp is checked every Tuesday by the keeper of the harbour.\n")
        upload = driver.find_element(By.ID, "upload")
        driver.execute_script("arguments[0].hidden = false", upload)  # the label opens it for people
        upload.send_keys(document)
        status = wait(driver, 120).until(
            lambda d: (t := d.find_element(By.ID, "upload-status").text) and "…" not in t and t)
        check.expect(status.startswith("lamp.txt: added ("), f"the upload became a document ({status!r})")
        check.shot("uploaded")
        box = driver.find_element(By.ID, "message")
        box.send_keys("When is the lighthouse lamp checked?")
        driver.find_element(By.ID, "send").click()
        wait(driver, args.answer_timeout).until(
            lambda d: (m := d.find_elements(*answer_meta)) and m[-1].text not in ("", "…"))
        cited = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#messages li.assistant .sources li")]
        check.expect(any("lamp.txt" in source for source in cited), f"the answer cites the upload ({cited!r})")
        check.shot("cited")

        # Hostile Markdown, rendered by the page's own renderer in this browser.
        rendered = driver.execute_async_script(
            """
            const [text, done] = arguments;
            import('/markdown.js').then(({ renderMarkdown }) => {
              const box = document.createElement('div');
              box.append(renderMarkdown(text));
              document.body.append(box);
              setTimeout(() => done({
                tags: [...box.querySelectorAll('*')].map((e) => e.localName),
                links: [...box.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.rel]),
                code: [...box.querySelectorAll('pre code')].map((c) => c.textContent),
                text: box.textContent,
                pwned: window.__pwned ?? null,
              }), 300);
            }, (e) => done({ error: String(e) }));
            """,
            HOSTILE_MARKDOWN,
        )
        check.expect("error" not in rendered, f"the renderer loads ({rendered.get('error')})")
        tags = rendered.get("tags", [])
        check.expect("script" not in tags and "img" not in tags, f"no script or img element ({tags!r})")
        check.expect({"strong", "em", "code", "pre", "ul", "li", "p"} <= set(tags), f"the Markdown is structured ({tags!r})")
        check.expect(
            rendered.get("links") == [["https://example.com/a", "noopener noreferrer nofollow"]],
            f"only the https link is a link ({rendered.get('links')!r})")
        check.expect(rendered.get("code") == ["<b>not bold</b>"], "a code block keeps its text as text")
        check.expect("<script>window.__pwned=3</script>" in rendered.get("text", ""), "raw HTML stays visible text")
        check.expect(rendered.get("pwned") is None and driver.execute_script("return window.__pwned ?? null") is None,
                     "no injected script ran")

        # Another user sees none of it.
        driver.find_element(By.ID, "logout").click()
        wait(driver).until(EC.visibility_of_element_located((By.ID, "login-form")))
        login(driver, base, args.other_user, args.other_password)
        wait(driver).until(EC.visibility_of_element_located((By.ID, "app")))
        time.sleep(1)
        others = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#conversations button")]
        check.expect(title not in others, f"another user does not see the conversation ({others!r})")
        check.shot("other-user")

        # The browser logged no CSP violation and no script error.
        problems = [entry["message"] for entry in driver.get_log("browser")
                    if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
                    and "/api/auth/refresh" not in entry["message"]
                    and "/api/auth/login" not in entry["message"]]
        check.expect(not problems, f"no errors in the browser's console ({json.dumps(problems)[:400]})")
    except Exception as error:  # a step that could not run is a failure, with a screenshot
        check.failures.append(f"{type(error).__name__}: {error}")
        print(f"web: FAILED: {type(error).__name__}: {error}", flush=True)
        try:
            check.shot("error")
        except Exception:
            pass
    finally:
        driver.quit()

    print(f"web: {len(check.failures)} failure(s); screenshots in {args.artifacts}", flush=True)
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
