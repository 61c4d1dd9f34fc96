package outfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/internal/outfile"
)

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSameFileRefused(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	write(t, in, "original")
	sym := filepath.Join(dir, "sym.csv")
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Symlink(in, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	dotted := filepath.Join(dir, ".", "sub", "..", "in.csv")
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, out := range []string{in, sym, hard, dotted} {
		err := outfile.WriteFile(out, []byte("scores"), "", in)
		if err == nil || !strings.Contains(err.Error(), "input") {
			t.Errorf("out %s: err = %v, want same-file error", out, err)
		}
		// The input given by its link, the output by its name.
		if err := outfile.WriteFile(in, []byte("scores"), out); err == nil {
			t.Errorf("in %s: no same-file error", out)
		}
	}
	if got := read(t, in); got != "original" {
		t.Fatalf("input changed: %q", got)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 4 {
		t.Errorf("temp files left: %v", ents)
	}
}

func TestFailedWriteLeavesFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scored.csv")
	write(t, out, "earlier result")
	err := outfile.Write(out, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return errors.New("ragged row")
	})
	if err == nil || err.Error() != "ragged row" {
		t.Fatalf("err = %v", err)
	}
	if got := read(t, out); got != "earlier result" {
		t.Fatalf("existing file changed: %q", got)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
	if err := outfile.WriteFile(out, []byte("new"), filepath.Join(dir, "other.csv")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, out); got != "new" {
		t.Fatalf("got %q", got)
	}
}

func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.csv")
	write(t, target, "old")
	os.Chmod(target, 0o600)
	link := filepath.Join(dir, "link.csv")
	os.Symlink(target, link)
	if err := outfile.WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, target); got != "new" {
		t.Fatalf("target = %q", got)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("symlink replaced by a file")
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", fi.Mode().Perm())
	}
}

func TestDevice(t *testing.T) {
	if err := outfile.WriteFile(os.DevNull, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := outfile.WriteFile(t.TempDir(), []byte("x")); err == nil {
		t.Fatal("a directory accepted as an output file")
	}
}

func report(t *testing.T, d *outfile.Dir, files ...string) {
	t.Helper()
	for _, f := range files {
		write(t, filepath.Join(d.Path(), f), f)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestDirReplacedWhole(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "report")
	d, err := outfile.CreateDir(out, false)
	if err != nil {
		t.Fatal(err)
	}
	report(t, d, "index.html", "figures/old.svg", "figures/kept.svg")
	d, err = outfile.CreateDir(out, false)
	if err != nil {
		t.Fatalf("previous report refused: %v", err)
	}
	report(t, d, "index.html", "figures/kept.svg")
	if _, err := os.Stat(filepath.Join(out, "figures/old.svg")); !os.IsNotExist(err) {
		t.Error("stale figure of the earlier run left in place")
	}
	if got := read(t, filepath.Join(out, "figures/kept.svg")); got != "figures/kept.svg" {
		t.Error(got)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 1 {
		t.Errorf("temporary directories left: %v", ents)
	}
	// Aborting leaves the report as it was.
	d, _ = outfile.CreateDir(out, false)
	write(t, filepath.Join(d.Path(), "index.html"), "half")
	d.Abort()
	if got := read(t, filepath.Join(out, "index.html")); got != "index.html" {
		t.Errorf("aborted run changed the report: %q", got)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 1 {
		t.Errorf("temporary directories left: %v", ents)
	}
}

func TestDirRefused(t *testing.T) {
	root := t.TempDir()
	user := filepath.Join(root, "home")
	write(t, filepath.Join(user, "thesis.docx"), "years of work")
	if _, err := outfile.CreateDir(user, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("non-report directory accepted: %v", err)
	}
	// A report with a user's file added beside it is not a report any more.
	rep := filepath.Join(root, "report")
	d, _ := outfile.CreateDir(rep, false)
	report(t, d, "index.html")
	write(t, filepath.Join(rep, "notes.txt"), "mine")
	if _, err := outfile.CreateDir(rep, false); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Fatalf("report with a user's file accepted: %v", err)
	}
	// An input inside the directory is refused even with force.
	in := filepath.Join(user, "cohort.csv")
	write(t, in, "data")
	if _, err := outfile.CreateDir(user, true, in); err == nil || !strings.Contains(err.Error(), "holds the input") {
		t.Fatalf("directory holding the input accepted: %v", err)
	}
	if read(t, in) != "data" {
		t.Fatal("input changed")
	}
	f := filepath.Join(root, "file")
	write(t, f, "x")
	if _, err := outfile.CreateDir(f, true); err == nil {
		t.Fatal("a file accepted as report directory")
	}
	d, err := outfile.CreateDir(user, true)
	if err != nil {
		t.Fatal(err)
	}
	report(t, d, "index.html")
	if _, err := os.Stat(filepath.Join(user, "thesis.docx")); !os.IsNotExist(err) {
		t.Error("--force did not replace the directory as a whole")
	}
}
