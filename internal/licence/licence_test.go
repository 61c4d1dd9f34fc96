package licence_test

import (
	"bufio"
	"bytes"
	_ "embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/internal/licence"
)

//go:embed fingerprints.txt
var fingerprints string

// moduleRoot is the directory holding go.mod above this package.
func moduleRoot(t *testing.T) string {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found")
		}
		dir = up
	}
}

// scan returns, per kind, the fingerprints of b that are in set.
func scan(b []byte, set map[string]bool) map[string]int {
	hits := map[string]int{}
	if set["f "+licence.FileHash(b)] {
		hits["the whole file"]++
	}
	ns := licence.Numbers(b)
	for _, n := range ns {
		if k, ok := licence.NumberKey(n); ok && set["n "+licence.Hash(k)] {
			hits["official InflaMix model numbers (or numbers derived from them)"]++
		}
	}
	for i := 0; i+licence.Window <= len(ns); i++ {
		if set["w "+licence.Hash(licence.WindowKey(ns[i:i+licence.Window]))] {
			hits["runs of the InflaMix derivation patients' labs"]++
		}
	}
	return hits
}

func loadSet(t *testing.T) map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(fingerprints))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			set[l] = true
		}
	}
	if len(set) < 1000 {
		t.Fatalf("only %d fingerprints", len(set))
	}
	return set
}

// TestNoOfficialInflaMix walks the repository (every file but .git and
// this package's fingerprints) and fails where the official InflaMix
// model's numbers, numbers derived from them, the derivation patients'
// labs or one of the removed files reappear. It names the file and the
// kind of match, never the numbers.
func TestNoOfficialInflaMix(t *testing.T) {
	set := loadSet(t)
	root := moduleRoot(t)
	self, _ := filepath.Abs("fingerprints.txt")
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || (path != root && strings.HasPrefix(d.Name(), ".") && d.Name() != ".ci") {
				return filepath.SkipDir
			}
			return nil
		}
		if path == self || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > 64<<20 {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		if bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0 {
			return nil // binary
		}
		for kind, n := range scan(b, set) {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s: %d matches with %s; the MSK InflaMix Terms of Use forbid redistributing them: remove them", rel, n, kind)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned only %d files under %s", files, root)
	}
}

// TestScanFinds checks that the scan can fail: the fingerprints match
// the kinds of text they were made from. The probe is built from this
// package's own fingerprints file, so no protected number is needed: a
// file that is the fingerprints file itself must match as a whole file
// only if listed, which it is not; instead we check that a hash line is
// recognised and that ordinary numbers are not.
func TestScanFinds(t *testing.T) {
	set := loadSet(t)
	probe := map[string]bool{}
	for k := range set {
		probe[k] = true
	}
	text := []byte("mean: [0.7187962264150943, 0.9495737179487179], id_1, d0, v1.2.3, 3d, 1e-9\n")
	ns := licence.Numbers(text)
	if len(ns) != 3 || ns[0].Digits != 16 || ns[2].Value != 1e-9 {
		t.Fatalf("tokens %+v", ns)
	}
	k, _ := licence.NumberKey(ns[0])
	probe["n "+licence.Hash(k)] = true
	probe["w "+licence.Hash(licence.WindowKey(make([]licence.Number, licence.Window)))] = true
	if h := scan(text, probe); len(h) != 1 {
		t.Errorf("a listed number was not found: %v", h)
	}
	if h := scan(bytes.Repeat([]byte("0 "), licence.Window), probe); len(h) != 1 {
		t.Errorf("a listed window was not found: %v", h)
	}
	if h := scan(text, set); len(h) != 0 {
		t.Errorf("synthetic numbers flagged: %v", h)
	}
}
