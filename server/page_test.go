package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carimpi/internal/browsertest"
	"carimpi/scores"
	"carimpi/server"
)

// contrastJS lists the visible texts whose colour has a contrast below
// 4.5:1 against the background they are drawn on (WCAG 2 relative
// luminance; the background is the first opaque one among the element
// and its ancestors, white at the top).
const contrastJS = `(() => {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const bgOf = (e) => { for (; e && e.nodeType === 1; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c; } return [255, 255, 255]; };
  const bad = [];
  for (const e of document.querySelectorAll("body *")) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own || e.closest("[hidden]") || e.getClientRects().length === 0) continue;
    const st = getComputedStyle(e);
    if (st.visibility === "hidden" || st.display === "none") continue;
    const fg = rgb(e instanceof SVGElement ? st.fill : st.color);
    const bg = bgOf(e instanceof SVGElement ? e.closest("svg").parentElement : e);
    const a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(e.tagName + "." + e.className + " '" + e.textContent.trim().slice(0, 30) + "' " + ratio.toFixed(2));
  }
  return bad;
})()`

// overflowJS lists the visible elements that reach past the viewport's
// right edge, and the page's widths when it scrolls sideways (or the
// window is not 390 px wide).
const overflowJS = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll("body *")) {
    if (e.closest("[hidden]") || e.getClientRects().length === 0) continue;
    const r = e.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0) out.push(e.tagName + "#" + e.id + "." + e.className + " " + Math.round(r.right));
  }
  if (document.documentElement.scrollWidth > w || window.innerWidth !== 390) out.push("scrollWidth " + document.documentElement.scrollWidth + ", clientWidth " + w + ", innerWidth " + window.innerWidth);
  return out;
})()`

// TestPageAtBedside opens the calculator 390 px wide (a phone) with a
// CAR-IMPI model fitted on simulated data (served with --allow-simulated):
// the red banner shows, nothing overflows horizontally, every text has a
// contrast of at least 4.5:1, a wrong value is named next to its field in
// the page's words, the risk bands show their cutoff numbers, and the
// survival curve has a colour key, axis titles and whole percentages.
// Then, on a server without a CAR-IMPI model, the CAR-IMPI panel explains
// why in plain words and a model file chosen in its file picker scores.
func TestPageAtBedside(t *testing.T) {
	ctx := browsertest.Start(t, 90*time.Second)
	sim := testModel()
	sim.Provenance = scores.Provenance{Source: scores.SourceFitted, Citation: scores.FittedCitation("SIMULATED data: demo"),
		FittedOn: &scores.FittedOn{Simulated: true, Data: "demo", Cohorts: []string{"development"}, N: 10, Events: 5, Method: "test"}}
	sc := newScorer(t, false)
	if err := sc.Use(sim); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(t, server.Config{Scorer: sc}))
	defer srv.Close()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	eval := func(expr string) []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](expr))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return v
	}
	// run runs the actions in order, each within 20 s, and names the one
	// that fails.
	run := func(acts []chromedp.Action[chromedp.Void]) {
		t.Helper()
		for i, a := range acts {
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			err := chromedp.Do(c, a)
			cancel()
			if err != nil {
				state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`"errors: " + document.getElementById("errors").innerText + "; survival: " + document.getElementById("survival").innerText.slice(0, 200) + "; scored " + document.body.dataset.scored + "; js error: " + (window.__err || "")`))
				t.Fatalf("step %d of %d: %v (page: %s)", i+1, len(acts), err, state)
			}
		}
	}
	choose := func(id, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("` + id + `"); s.value = "` + value +
			`"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL + "/"),
		chromedp.WaitVisible(css("#patient")),
		chromedp.WaitVisible(css("#simulated-banner")),
		choose("stage", "3"),
		chromedp.SendKeys(css("#age"), "64"),
		chromedp.SendKeys(css("#mtv_ml"), "-4"),
		chromedp.SendKeys(css("#ldh"), "310"),
		chromedp.SendKeys(css("#crp"), "2.1"),
		chromedp.SendKeys(css("#plt"), "140"),
		chromedp.SendKeys(css("#anc"), "1.5"),
		chromedp.SendKeys(css("#hb"), "10.2"),
		chromedp.SendKeys(css("#ferritin"), "900"),
		chromedp.SendKeys(css("#calculate"), " "),
		chromedp.WaitVisible(css("#mtv_ml-error")),
	}
	run(steps)
	msg := text("#mtv_ml-error")
	invalid := eval(`[...document.querySelectorAll("[aria-invalid=true]")].map((e) => e.id)`)
	if !strings.HasPrefix(msg, "Metabolic tumor volume (MTV)") || strings.Contains(msg, "mtv_ml") || len(invalid) != 1 || invalid[0] != "mtv_ml" {
		t.Errorf("field error %q, invalid fields %v", msg, invalid)
	}
	fix := []chromedp.Action[chromedp.Void]{
		chromedp.Evaluate[chromedp.Void](`document.getElementById("mtv_ml").value = ""`),
		chromedp.SendKeys(css("#mtv_ml"), "120"),
		chromedp.SendKeys(css("#calculate"), " "),
		chromedp.WaitVisible(css(`[data-survival="pfs-12"]`)),
		chromedp.WaitNotVisible(css("#mtv_ml-error")),
	}
	run(fix)
	if shot := os.Getenv("CARIMPI_PAGE_SCREENSHOT"); shot != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
			os.WriteFile(shot, png, 0o644)
		}
	}
	if b := text("#simulated-banner"); b != "Model fitted on simulated data — not for patients" {
		t.Errorf("banner %q", b)
	}
	if rows := eval(`[...document.querySelectorAll("#scores tbody th")].map((e) => e.textContent)`); contains(rows, "simulated") || !contains(rows, "CAR-IMPI") {
		t.Errorf("score rows %v", rows)
	}
	eval(`[...document.querySelectorAll("details")].map((d) => { d.open = true; return d.id; })`) // the explanations too
	if over := eval(overflowJS); len(over) != 0 {
		t.Errorf("overflow at 390 px: %v", over)
	}
	if bad := eval(contrastJS); len(bad) > 0 {
		t.Errorf("contrast below 4.5:1: %v", bad)
	}
	if c := text(`[data-cutoffs="car-impi-median"]`); !strings.Contains(c, "1.35") {
		t.Errorf("median band without its cutoff: %q", c)
	}
	if c := text(`[data-cutoffs="car-hematotox-original"]`); !strings.Contains(c, "score ≥ 2") {
		t.Errorf("CAR-HEMATOTOX band: %q", c)
	}
	if s := text(`#scores [data-index="car_hematotox"]`); !strings.Contains(s, "Rejeski 2021 (high ≥ 2)") || !strings.Contains(s, "CAR-IMPI paper, exploratory (high ≥ 3)") {
		t.Errorf("CAR-HEMATOTOX groupings not named: %q", s)
	}
	// The combined group is shown in words (the API keeps its code), in
	// the row and on its band, without clipping.
	combined := eval(`(() => { const td = document.querySelector('td[data-key="combined_hematotox_group"]');
	  const band = document.querySelector('.band[data-model="combined-hematotox"]');
	  return [td ? td.dataset.value : "", td ? td.textContent : "", band ? [...band.children].map((s) => s.textContent).join("|") : "",
	    band ? [...band.children].filter((s) => s.scrollWidth > s.clientWidth + 1 || s.scrollHeight > s.clientHeight + 1).map((s) => s.textContent).join("|") : ""]; })()`)
	if code := strings.Trim(combined[0], `"`); !strings.HasPrefix(code, "c-") || combined[1] != scores.CombinedGroupLabel(code) || !strings.HasPrefix(combined[1], "CAR-IMPI ") {
		t.Errorf("combined group: data-value %s shown as %q", combined[0], combined[1])
	}
	if combined[2] != "CAR-IMPI low / CAR-HEMATOTOX low|CAR-IMPI low / CAR-HEMATOTOX high|CAR-IMPI high / CAR-HEMATOTOX low|CAR-IMPI high / CAR-HEMATOTOX high" || combined[3] != "" {
		t.Errorf("combined band %q, clipped %q", combined[2], combined[3])
	}
	axes := eval(`[...document.querySelectorAll("#survival svg text")].map((e) => e.textContent)`)
	if !contains(axes, "Months after CAR T-cell infusion") || !contains(axes, "Probability without event") {
		t.Errorf("survival axes %v", axes)
	}
	if k := text("#survival-key"); !strings.Contains(k, "Progression-free survival") {
		t.Errorf("survival key %q", k)
	}
	whole := regexp.MustCompile(`^\d+%$`)
	for _, p := range eval(`[...document.querySelectorAll("[data-survival]")].map((e) => e.textContent)`) {
		if !whole.MatchString(p) && !strings.HasPrefix(p, "—") {
			t.Errorf("survival %q is not a whole percentage", p)
		}
	}
	if sc := eval(`[...document.querySelectorAll("#detail dl.scope[data-scope=car-hematotox] dd")].map((e) => e.textContent)`); len(sc) != 5 || !strings.Contains(sc[1], "axi-cel or tisa-cel") {
		t.Errorf("CAR-HEMATOTOX scope on the page: %q", sc)
	}
	if n := text("#no-ci"); !strings.Contains(n, "No confidence band") {
		t.Errorf("no CI note %q", n)
	}

	// A server without a CAR-IMPI model: the panel says why in plain
	// words, and a model file chosen on the page scores.
	plain := httptest.NewServer(newHandler(t, server.Config{Scorer: newScorer(t, false)}))
	defer plain.Close()
	model := filepath.Join(t.TempDir(), "centre-model.json")
	os.WriteFile(model, []byte(`{"schema_version": 2, "id": "car-impi", "version": "centre-1", "source": "hand-entered",
	  "citation": "placeholder numbers for the test", "knot": 44.3,
	  "coefficients": {"mtv": 0.0111, "mtv_above_knot": -0.0111, "age": 0.0111, "stage2": 0.111, "stage3": 0.222, "stage4": 0.333},
	  "cutoffs": {"median": 1.11, "terciles": [0.99, 1.22]}}`), 0o644)
	second := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(plain.URL + "/"),
		chromedp.WaitVisible(css("#model-panel")),
		choose("stage", "3"),
		chromedp.SendKeys(css("#age"), "64"),
		chromedp.SendKeys(css("#mtv_ml"), "120"),
		chromedp.SendKeys(css("#calculate"), " "),
		chromedp.WaitVisible(css(`[data-unavailable="car-impi"]`)),
		chromedp.SetUploadFiles(css("#model-file"), []string{model}),
		chromedp.WaitVisible(css("#model-clear")),
		chromedp.Poll[chromedp.Void](`document.querySelector('td[data-key="car_impi"]') && document.querySelector('td[data-key="car_impi"]').dataset.value !== "null"`),
	}
	run(second)
	panel := text("#model-panel")
	if strings.Contains(panel, "--") || strings.Contains(strings.ToLower(panel), "simulat") || !strings.Contains(panel, "supplement") {
		t.Errorf("CAR-IMPI panel wording: %q", panel)
	}
	if v := eval(`[document.querySelector('td[data-key="car_impi"]').dataset.value, document.getElementById("simulated-banner").hidden ? "no banner" : "banner"]`); v[0] != "1.42413" || v[1] != "no banner" {
		t.Errorf("CAR-IMPI from the chosen file: %v (want 0.0111*120 - 0.0111*75.7 + 0.0111*64 + 0.222 = 1.42413)", v)
	}
	if s := text("#model-status"); !strings.Contains(s, "centre-1") {
		t.Errorf("model status %q", s)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
