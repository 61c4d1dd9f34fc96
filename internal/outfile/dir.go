package outfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Manifest is the file that marks a directory as a report written by
// carimpi: a JSON object whose "entries" lists the directory's top-level
// names. Dir.Commit writes it.
const Manifest = ".carimpi-report.json"

type manifest struct {
	Generator string   `json:"generator"`
	Entries   []string `json:"entries"`
}

// Dir is a report directory being built: files go into a temporary sibling
// directory (Path) which Commit swaps in for the destination as a whole.
type Dir struct {
	dest string // destination, symlinks resolved
	tmp  string
	done bool
}

// CreateDir prepares to replace the directory path as a whole. It refuses,
// before anything is written,
//
//   - a path that exists and is not a directory;
//   - a non-empty directory that is not a previous carimpi report (it has
//     no Manifest, or top-level entries the manifest does not list), unless
//     force is set;
//   - a directory that holds one of the inputs (replacing it would delete
//     the input), even with force.
//
// A previous report is replaced whole: no file of the earlier run remains.
func CreateDir(path string, force bool, inputs ...string) (*Dir, error) {
	if path == "" {
		return nil, errors.New("outfile: empty output directory name")
	}
	dest, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(dest); err == nil {
		if !fi.IsDir() {
			return nil, fmt.Errorf("output %s exists and is not a directory; give a directory name", path)
		}
		if dest, err = filepath.EvalSymlinks(dest); err != nil {
			return nil, err
		}
		for _, in := range inputs {
			if in == "" {
				continue
			}
			if within(dest, in) {
				return nil, fmt.Errorf("output directory %s holds the input %s; the report replaces the directory as a whole, so write it elsewhere", path, in)
			}
		}
		if !force {
			if err := isReport(dest); err != nil {
				return nil, fmt.Errorf("output directory %s %v; carimpi replaces a report directory as a whole, so give a new or empty directory (or --force to replace it)", path, err)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".new-*")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Dir{dest: dest, tmp: tmp}, nil
}

// within reports whether the file in lies inside dir (symlinks resolved).
func within(dir, in string) bool {
	abs, err := filepath.Abs(in)
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(dir, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// isReport returns nil when dir is empty or a previous carimpi report,
// else what it is.
func isReport(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) == 0 {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return errors.New("is not empty and is not a carimpi report (no " + Manifest + ")")
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Generator != "carimpi" {
		return errors.New("has a " + Manifest + " that carimpi did not write")
	}
	for _, e := range ents {
		if e.Name() != Manifest && !slices.Contains(m.Entries, e.Name()) {
			return fmt.Errorf("holds %s, which is not part of the carimpi report there", e.Name())
		}
	}
	return nil
}

// Path is the temporary directory to write the report into.
func (d *Dir) Path() string { return d.tmp }

// Commit writes the manifest and puts the new directory in place of the
// destination; the earlier directory, if any, is removed.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("outfile: " + d.dest + " already committed or aborted")
	}
	ents, err := os.ReadDir(d.tmp)
	if err != nil {
		d.Abort()
		return err
	}
	m := manifest{Generator: "carimpi", Entries: []string{}}
	for _, e := range ents {
		m.Entries = append(m.Entries, e.Name())
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(d.tmp, Manifest), append(b, '\n'), 0o644); err != nil {
		d.Abort()
		return err
	}
	d.done = true
	old := ""
	if _, err := os.Lstat(d.dest); err == nil {
		old = d.tmp[:len(d.tmp)-len(filepath.Base(d.tmp))] + "." + filepath.Base(d.dest) + ".old-" + strings.TrimPrefix(filepath.Base(d.tmp), "."+filepath.Base(d.dest)+".new-")
		if err := os.Rename(d.dest, old); err != nil {
			os.RemoveAll(d.tmp)
			return fmt.Errorf("replacing %s: %w", d.dest, err)
		}
	}
	if err := os.Rename(d.tmp, d.dest); err != nil {
		if old != "" {
			os.Rename(old, d.dest)
		}
		os.RemoveAll(d.tmp)
		return fmt.Errorf("replacing %s: %w", d.dest, err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort removes the temporary directory; the destination is untouched. It
// is a no-op after Commit, so it can be deferred.
func (d *Dir) Abort() {
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.tmp)
}
