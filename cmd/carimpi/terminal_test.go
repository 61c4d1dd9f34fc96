package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTableAnswersEscapeControlCharacters: group names from the user's
// file reach the terminal with their control characters escaped, in every
// command that prints a table.
func TestTableAnswersEscapeControlCharacters(t *testing.T) {
	data := filepath.Join(t.TempDir(), "esc.csv")
	var b strings.Builder
	b.WriteString("time,event,group,x\n")
	for i := 0; i < 40; i++ {
		g := "plain"
		if i%2 == 1 {
			g = "evil\x1b[2J\rfake"
		}
		b.WriteString(strings.Join([]string{strconv.Itoa(1 + i), strconv.Itoa(i % 3 % 2), g, strconv.Itoa(i*7%11 + 1)}, ","))
		b.WriteString("\n")
	}
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"km", "--data", data, "--time", "time", "--event", "event", "--group", "group"},
		{"logrank", "--data", data, "--time", "time", "--event", "event", "--group", "group"},
		{"compare", "--data", data, "--by", "group", "--var", "x"},
		{"describe", "--data", data, "--var", "x", "--by", "group"},
	} {
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", args[0], code, errOut)
			continue
		}
		if strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, `evil\x1b[2J\rfake`) {
			t.Errorf("%s: control characters not escaped:\n%q", args[0], out)
		}
	}
}

// TestErrorLinesEscapeControlCharacters: an error that quotes the user's
// file (the cohort names present, when --validate-cohort matches none)
// reaches the terminal with its control characters escaped.
func TestErrorLinesEscapeControlCharacters(t *testing.T) {
	data := filepath.Join(t.TempDir(), "esc.csv")
	csv := "patient_id,age,stage,mtv_ml,cohort\nA,64,3,1,\x1b[2J\x1b[31mEvil\a\nB,60,2,5,Development\nC,61,2,500,Development\n"
	if err := os.WriteFile(data, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "study", "--data", data, "--validate-cohort", "nope", "--out", filepath.Join(t.TempDir(), "r"))
	if code == 0 {
		t.Fatal("a cohort name that matches no row was accepted")
	}
	if strings.ContainsAny(errOut, "\x1b\a") || !strings.Contains(errOut, `\x1b[2J\x1b[31mEvil\a`) {
		t.Errorf("control characters not escaped:\n%q", errOut)
	}
}

// TestReadErrorNamesFileOnce: a file that breaks mid-way (a quote never
// closed) is named once in the error line, not "f.csv: f.csv: ...".
func TestReadErrorNamesFileOnce(t *testing.T) {
	data := filepath.Join(t.TempDir(), "broken.csv")
	if err := os.WriteFile(data, []byte("patient_id,age,stage,mtv_ml\nA,60,3,100\nB,60,3,\"100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"validate", "batch"} {
		_, errOut, code := runCLI(t, cmd, "--data", data)
		if code != 1 || strings.Count(errOut, "broken.csv") != 1 || !strings.Contains(errOut, "line 3") {
			t.Errorf("%s: exit %d, %q", cmd, code, errOut)
		}
	}
}
