package factor

import (
	"slices"
	"testing"
)

func TestLevels(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"10", "2", "1", "2"}, []string{"1", "2", "10"}},
		{[]string{"1", "10", "2", "a"}, []string{"1", "10", "2", "a"}},
		{[]string{"b", "a", "B"}, []string{"B", "a", "b"}},
		{[]string{"-1", "0.5", "1e1", "3"}, []string{"-1", "0.5", "3", "1e1"}},
		{[]string{"1.0", "1", "0"}, []string{"0", "1", "1.0"}},
	} {
		if got := Levels(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Levels(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	lv, err := Relevel([]string{"1", "2", "10"}, "10.0")
	if err != nil || !slices.Equal(lv, []string{"10", "1", "2"}) {
		t.Errorf("Relevel: %v %v", lv, err)
	}
	if lv, err := Relevel([]string{"Adeno", "Squamous"}, "squamous"); err != nil || lv[0] != "Squamous" {
		t.Errorf("Relevel ignoring case: %v %v", lv, err)
	}
	if _, err := Relevel([]string{"a", "b"}, "c"); err == nil {
		t.Error("unknown reference accepted")
	}
}
