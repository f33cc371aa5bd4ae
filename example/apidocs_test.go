package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write docs/apidocs.png from the browser test")

// TestAPIReferenceInABrowser opens /docs in Debian's headless Chromium
// (.ci/run installs it): the page lists the example's operations from
// /openapi.json, and, once the page logged in (a fetch of POST
// /passport/local, whose session cookie the browser keeps), "Try it out"
// on POST /api/v2/topics creates a topic.
func TestAPIReferenceInABrowser(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed: .ci/run installs Debian's chromium")
		}
		t.Skip("chromium not on PATH (apt-get install chromium)")
	}
	app := startApp(t)
	signUp(t, app, "alice")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 1600))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	// the first Run starts the browser: no timeout on it
	if err := chromedp.Do(ctx, chromedp.Navigate(app.URL("/docs"))); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// POST /api/v2/topics's block; /api/v2/users and /passport/logout are POSTs too
	const post = `.opblock-post:has(.opblock-summary-path[data-path="/api/v2/topics"])`
	body := `{"title":"from the browser","content":"tried in /docs"}`
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`.opblock`))))
	login, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch('/passport/local', {method: 'POST', redirect: 'manual',
		headers: {'Content-Type': 'application/json'}, body: JSON.stringify({username: 'alice', password: `+strconv.Quote(password)+`})})
		.then(() => fetch('/api/v2/me')).then(r => r.text())`, chromedp.EvalAwaitPromise))
	must(err)
	if !strings.Contains(login, `"username":"alice"`) {
		t.Fatalf("the page did not log in: GET /api/v2/me answered %s", login)
	}
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.opblock').length`))
	must(err)
	summaries, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.opblock-summary-path')].map(e => e.innerText).join(' ')`))
	must(err)
	must(chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(post+` .opblock-summary`)),
		chromedp.Click(chromedp.CSS(post+` .try-out__btn`)),
		chromedp.WaitVisible(chromedp.CSS(post+` .body-param__text`)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const ta = document.querySelector(`+strconv.Quote(post+" .body-param__text")+`);
			Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(ta, `+strconv.Quote(body)+`);
			ta.dispatchEvent(new Event('input', {bubbles: true}));
		})()`),
		chromedp.Click(chromedp.CSS(post+` .execute`)),
		chromedp.WaitVisible(chromedp.CSS(post+` .live-responses-table tbody .response-col_status`)),
	))
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(post+` .live-responses-table tbody .response-col_status`)))
	must(err)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(err)
	if ops != 7 || !strings.Contains(summaries, "/api/v2/topics/{id}") || !strings.Contains(summaries, "/api/v2/me") ||
		!strings.Contains(summaries, "/api/v2/users") || !strings.Contains(summaries, "/passport/logout") {
		t.Errorf("the page lists %d operations: %s", ops, summaries)
	}
	if !strings.HasPrefix(strings.TrimSpace(status), "201") {
		t.Errorf("Try it out on POST /api/v2/topics answered %q, want 201", status)
	}
	if *updateScreenshot {
		if err := os.WriteFile("../docs/apidocs.png", shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
