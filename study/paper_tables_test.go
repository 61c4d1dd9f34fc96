package study

import "testing"

// TestGroupLabels: the combined groups' codes (keys of results.json) are
// named for people as the paper's Fig 4 does; other names pass through.
func TestGroupLabels(t *testing.T) {
	for _, c := range []struct{ code, want string }{
		{"c-low/h-low", "CAR-IMPI low / CAR-HEMATOTOX low"},
		{"c-high/h-high", "CAR-IMPI high / CAR-HEMATOTOX high"},
		{"c-low/non-inflamed", "CAR-IMPI low / non-inflamed"},
		{"c-high/inflamed", "CAR-IMPI high / inflamed"},
		{"intermediate", "Intermediate risk"},
		{"development", "development"},
	} {
		if got := groupLabel(c.code); got != c.want {
			t.Errorf("groupLabel(%q) = %q, want %q", c.code, got, c.want)
		}
	}
	for _, c := range []struct{ name, want string }{
		{"1-year PFS, c-low/h-high", "1-year PFS, CAR-IMPI low / CAR-HEMATOTOX high"},
		{"Share c-high/h-high (pooled)", "Share CAR-IMPI high / CAR-HEMATOTOX high (pooled)"},
		{"CRP (mg/dL), low median group", "CRP (mg/dL), low median group"},
	} {
		if got := publishedLabel(c.name); got != c.want {
			t.Errorf("publishedLabel(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
