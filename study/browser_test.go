package study

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"carimpi/internal/browsertest"
)

// TestReportInBrowser loads the written report in headless Chromium: no
// console error or exception, and every figure of the study is on the page
// as an SVG.
func TestReportInBrowser(t *testing.T) {
	out := runFixture(t, 10)
	dir := t.TempDir()
	if _, err := out.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	// The browser's clock starts once the report is written.
	ctx := browsertest.Start(t, 60*time.Second)
	checkReport(t, ctx, dir, "CAR-IMPI study report", out.Figures)
}

// checkReport loads dir/index.html in the browser: no console error or
// exception, the title, and every figure on the page as a drawn SVG.
func checkReport(t *testing.T, ctx context.Context, dir, wantTitle string, figures []Figure) {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console error")
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "browser log: "+e.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("figure")).filter(f => f.querySelector("svg") && f.querySelector("svg").getBBox().width > 0).map(f => f.id)`))
	if err != nil {
		t.Fatal(err)
	}
	if title != wantTitle {
		t.Errorf("title %q", title)
	}
	shown := map[string]bool{}
	for _, id := range ids {
		shown[id] = true
	}
	for _, f := range figures {
		if !shown["fig-"+f.Name] {
			t.Errorf("figure %s is not rendered on the page", f.Name)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
}
