package server_test

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carimpi/internal/browsertest"
	"carimpi/scores"
	"carimpi/server"
)

// TestBrowserEndToEnd fills the web calculator's form in headless Chromium
// (keyboard typing, selects, a unit change), reads the results off the page
// and compares them with the API's answer for the same patient. It needs
// Debian's chromium (see internal/browsertest): without it the test is
// skipped, except under CI (CI=true), where .ci/run installs it.
func TestBrowserEndToEnd(t *testing.T) {
	ctx := browsertest.Start(t, 60*time.Second)
	srv := httptest.NewServer(newHandler(t, server.Config{}))
	defer srv.Close()

	// The patient as typed on the page: CRP in mg/L (21 mg/L = 2.1 mg/dL)
	// and hemoglobin in g/L (102 g/L = 10.2 g/dL); everything else in the
	// data dictionary's units.
	typed := map[string]string{
		"age": "64", "mtv_ml": "120", "extranodal_sites": "2",
		"ldh": "310", "crp": "21", "ferritin": "900", "hb": "102", "plt": "140", "anc": "1.5", "creatinine": "0.9",
		"albumin": "3.6", "il6": "12", "wbc": "5.1",
	}
	selects := map[string]string{"stage": "3", "ecog": "1", "nccn_extranodal": "1"}
	api := `{"age":64,"stage":3,"mtv_ml":120,"ecog":1,"extranodal_sites":2,"nccn_extranodal":1,"ldh":310,"ldh_uln":250,
"crp":2.1,"crp_uln":0.3,"ferritin":900,"ferritin_uln":415,"hb":10.2,"hb_uln":16.2,"plt":140,"plt_uln":400,"anc":1.5,
"creatinine":0.9,"albumin":3.6,"albumin_uln":5,"il6":12,"il6_uln":5,"wbc":5.1,"wbc_uln":11}`

	// choose sets a select as a user does: a new value, then "change".
	choose := func(id, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("` + id + `"); s.value = "` + value +
			`"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(srv.URL + "/"),
		chromedp.WaitVisible(css("#patient")),
		// A unit change rescales the preset ULN (0.3 mg/dL = 3 mg/L).
		choose("crp_unit", "0.1"),
		choose("hb_unit", "0.1"),
	}
	for id, v := range typed {
		steps = append(steps, chromedp.SendKeys(css("#"+id), v))
	}
	for id, v := range selects {
		steps = append(steps, choose(id, v))
	}
	steps = append(steps,
		chromedp.SendKeys(css("#calculate"), " "), // the keyboard presses the button
		chromedp.WaitVisible(css(`td[data-key="car_impi"]`)),
		chromedp.WaitVisible(css(`[data-survival="pfs-12"]`)),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	must := func(v string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	crpULN := must(chromedp.Run(ctx, chromedp.Value(css("#crp_uln"))))
	hbULN := must(chromedp.Run(ctx, chromedp.Value(css("#hb_uln"))))
	survival12 := must(chromedp.Run(ctx, chromedp.Text(css(`[data-survival="pfs-12"]`))))
	notice := must(chromedp.Run(ctx, chromedp.Text(css("#notice"))))
	page, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](
		`(() => { const o = {}; for (const e of document.querySelectorAll("#scores [data-key]")) o[e.dataset.key] = e.dataset.value; return o; })()`))
	if err != nil {
		t.Fatal(err)
	}
	// Every control has an accessible name and is in the tab order.
	unnamed, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("input, select, button")].filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.textContent.trim() || e.tabIndex < 0).map((e) => e.id)`))
	if err != nil || len(unnamed) > 0 {
		t.Errorf("controls without an accessible name or out of the tab order: %v %v", unnamed, err)
	}
	svgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#survival svg path").length`))
	if err != nil {
		t.Fatal(err)
	}
	if shot := os.Getenv("CARIMPI_E2E_SCREENSHOT"); shot != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(shot, png, 0o644)
		}
	}
	if crpULN != "3" || hbULN != "162" {
		t.Errorf("ULN after unit change: CRP %q, Hb %q; want 3 and 162", crpULN, hbULN)
	}
	if notice != server.Notice {
		t.Errorf("page notice %q", notice)
	}
	if svgs == 0 {
		t.Error("no survival curve drawn")
	}

	// The API's answer for the same patient.
	resp, err := http.Post(srv.URL+"/api/v1/score", "application/json", strings.NewReader(api))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var want map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&want); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, k := range scores.RowColumns {
		if k == "patient_id" || k == "warnings" || k == "unavailable" {
			continue
		}
		got, ok := page[k]
		if !ok {
			t.Errorf("page does not show %s", k)
			continue
		}
		compared++
		if !sameJSON(got, string(want[k])) {
			t.Errorf("%s: page %s, API %s", k, got, want[k])
		}
	}
	if string(want["car_impi"]) == "null" || compared < 15 {
		t.Errorf("compared %d fields, car_impi %s: the patient should be fully scored", compared, want["car_impi"])
	}
	// The 12-month PFS shown (a whole percentage) is the API's, rounded.
	var surv []struct {
		Model, Endpoint string
		Estimates       []struct{ Months, Survival float64 }
	}
	json.Unmarshal(want["survival"], &surv)
	for _, s := range surv {
		if s.Model == "car-impi" && s.Endpoint == "pfs" {
			shown, err := strconv.ParseFloat(strings.TrimSuffix(survival12, "%"), 64)
			if err != nil || shown != math.Round(100*s.Estimates[1].Survival) {
				t.Errorf("12-month PFS on the page %q, API %v", survival12, s.Estimates[1].Survival)
			}
		}
	}
}

// sameJSON compares two JSON values: numbers to 1e-12 relative (the page
// converted units with floating-point factors), anything else exactly.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	fx, ok1 := x.(float64)
	fy, ok2 := y.(float64)
	if ok1 && ok2 {
		return math.Abs(fx-fy) <= 1e-12*math.Max(1, math.Abs(fy))
	}
	return a == b || strings.TrimSpace(a) == strings.TrimSpace(b)
}

// TestBrowserNonNumericEntry types entries that are not numbers ("-",
// "1e") into number fields: the browser reports them as empty, and the
// page must mark them as errors instead of scoring them as missing.
func TestBrowserNonNumericEntry(t *testing.T) {
	ctx := browsertest.Start(t, 60*time.Second)
	srv := httptest.NewServer(newHandler(t, server.Config{}))
	defer srv.Close()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(css("#patient")),
		chromedp.SendKeys(css("#age"), "64"),
		chromedp.SendKeys(css("#mtv_ml"), "1e"),
		chromedp.SendKeys(css("#crp"), "-"),
		chromedp.SendKeys(css("#calculate"), " "),
		chromedp.WaitVisible(css(`#crp[aria-invalid="true"]`)),
	); err != nil {
		t.Fatal(err)
	}
	invalid, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[aria-invalid=true]")).map((e) => e.id)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(invalid, ",") != "mtv_ml,crp" {
		t.Errorf("fields marked invalid: %v, want mtv_ml and crp", invalid)
	}
}
