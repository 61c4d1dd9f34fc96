package table

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestReaderLimits(t *testing.T) {
	lim := Limits{Columns: 4, RecordBytes: 64}
	for _, tc := range []struct{ name, in, want string }{
		{"wide header", "a,b,c,d,e\n1,2,3,4,5\n", "line 1 has 5 cells; at most 4 columns"},
		{"wide row", "a,b\n1,2,3,4,5,6\n", "line 2 has 6 cells"},
		{"wide quoted row", "a,b\n\"1\",2,3,4,5,6\n", "line 2 has 6 cells"},
		{"long line", "a,b\n" + strings.Repeat("9", 100) + ",1\n", "line 2: a row longer than 64 bytes"},
		{"quote never closed", "a,b\n\"1,2\n" + strings.Repeat("3,4\n", 40), "line 2: a row longer than 64 bytes"},
	} {
		rd, err := NewReaderLimits(strings.NewReader(tc.in), "t.csv", lim)
		if err == nil {
			rd.AllowRagged = true
			for err == nil {
				_, err = rd.Next()
			}
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestAppendTextDefusesFormulas(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"low", "low"},
		{"=HYPERLINK(\"http://x\",\"y\")", `"'=HYPERLINK(""http://x"",""y"")"`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "\"'\r=1\""},
		{"-0.52", "-0.52"},
		{"+3", "+3"},
		{"-1e-5", "-1e-5"},
		{"a,b", `"a,b"`},
		{"a;b", `"a;b"`},
		{" lead", `" lead"`},
		{"say \"hi\"", `"say ""hi"""`},
	} {
		if got := string(AppendText(nil, tc.in)); got != tc.want {
			t.Errorf("AppendText(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	// What is written reads back as written (but for the defusing quote).
	line := AppendRecord(nil, []string{"=1", "a,\"b\"", "x\ny", "-3"})
	rec, err := csv.NewReader(strings.NewReader(string(line))).Read()
	if err != nil || strings.Join(rec, "|") != "'=1|a,\"b\"|x\ny|-3" {
		t.Errorf("read back %q, %v", rec, err)
	}
}
