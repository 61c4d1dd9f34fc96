package textsafe_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"carimpi/internal/textsafe"
)

func TestTerminal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"development", "development"},
		{"Zürich", "Zürich"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"x\r\nfake: ok", `x\r\nfake: ok`},
		{"rtl\u202eabc", `rtl\u202eabc`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"c1\u009b", `c1\u009b`},
	} {
		if got := textsafe.Terminal(tc.in); got != tc.want {
			t.Errorf("Terminal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := textsafe.Quote("a\"b\x07"); got != `"a\"b\a"` {
		t.Errorf("Quote = %s", got)
	}
}

func TestMarkupIsWellFormedXML(t *testing.T) {
	in := "cohort\x00\x01\x08\x0b\x0c\x1b[31m<b>&\"'\x7f\u0085\ufffe\xff end\tx\ny"
	got := textsafe.Markup(in)
	doc := "<svg><text>" + got + "</text></svg>"
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("%q: %v", got, err)
			}
			break
		}
	}
	if !strings.Contains(got, "cohort") || !strings.Contains(got, "&lt;b&gt;&amp;") || !strings.Contains(got, "end x y") {
		t.Errorf("Markup = %q", got)
	}
}

func TestList(t *testing.T) {
	names := make([]string, 100000)
	for i := range names {
		names[i] = strings.Repeat("x", 1000)
	}
	got := textsafe.List(names, ", ", 20)
	if len(got) > 2000 || !strings.HasSuffix(got, "... and 99980 more") {
		t.Errorf("len %d: %q", len(got), got[len(got)-40:])
	}
	if got := textsafe.List([]string{"a\nb", "c"}, ",", 20); got != "a b,c" {
		t.Errorf("%q", got)
	}
}

func TestLines(t *testing.T) {
	for _, in := range []string{
		"group\tn\nA\x1b[2J\t3\r\nB\u202e\t4\n",
		"plain\ttext\nWürzburg\t2\n",
		"no final line feed\x07",
		"",
	} {
		want := textsafe.Lines(in)
		// LinesWriter escapes the same text written in pieces of any size.
		for _, size := range []int{1, 2, 5, 1 << 10} {
			var b strings.Builder
			w := textsafe.NewLinesWriter(&b)
			for rest := in; len(rest) > 0; {
				k := min(size, len(rest))
				if _, err := w.Write([]byte(rest[:k])); err != nil {
					t.Fatal(err)
				}
				rest = rest[k:]
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if b.String() != want {
				t.Errorf("LinesWriter, pieces of %d: %q, want %q", size, b.String(), want)
			}
		}
	}
	in := "group\tn\nA\x1b[2J\t3\r\nB\u202e\t4\n"
	want := "group\tn\nA\\x1b[2J\t3\\r\nB\\u202e\t4\n"
	if got := textsafe.Lines(in); got != want {
		t.Errorf("Lines(%q) = %q, want %q", in, got, want)
	}
}
