// Package outfile writes carimpi's output files so that an output can never
// hurt an input or leave a half-written file behind:
//
//   - an output that is the same file as one of the command's inputs (by
//     file identity, os.SameFile, so through symlinks and hard links too)
//     is refused before anything is written;
//   - every output is written to a temporary file in the destination's
//     directory and renamed into place only when it is complete, so a run
//     that fails (or is killed) leaves an existing file untouched;
//   - a report directory is built in a temporary sibling and swapped in as
//     a whole (see Dir), so no file of an earlier run survives beside the
//     new ones.
//
// Every command that writes a file goes through this package:
//
//	f, err := outfile.Create(out, inputs...) // checks, opens a temp file
//	if err != nil { return err }
//	defer f.Abort()                          // removes the temp file unless committed
//	... write to f ...
//	return f.Commit()                        // close, rename into place
//
// or, for data already in memory, outfile.WriteFile(out, data, inputs...).
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckInputs returns an error when out is the same file as any of the
// inputs (empty names are skipped). Identity is the file's (device, inode),
// so a symlink or hard link to an input is caught as well as the same name.
// An out that does not exist yet is never an input.
func CheckInputs(out string, inputs ...string) error {
	oi, err := os.Stat(out)
	if err != nil {
		return nil // not there yet (or unreadable: Create reports that)
	}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		ii, err := os.Stat(in)
		if err != nil {
			continue
		}
		if os.SameFile(oi, ii) {
			if in == out {
				return fmt.Errorf("output %s is also an input; write the output to another file", out)
			}
			return fmt.Errorf("output %s is the same file as input %s; write the output to another file", out, in)
		}
	}
	return nil
}

// File is an output file being written: writes go to a temporary file in
// the destination's directory until Commit renames it into place.
type File struct {
	f    *os.File
	path string // destination (symlinks resolved)
	tmp  string // temporary file, "" when writing straight to a device
	mode fs.FileMode
	done bool
}

// Create checks that path is none of inputs and opens a temporary file
// beside it. Nothing at path changes until Commit. Writing through a
// symlink replaces the file it points to, as os.Create would. A path that
// is not a regular file (a terminal, a pipe, /dev/null) is written
// directly.
func Create(path string, inputs ...string) (*File, error) {
	if path == "" {
		return nil, errors.New("outfile: empty output file name")
	}
	if err := CheckInputs(path, inputs...); err != nil {
		return nil, err
	}
	dest, mode := path, fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("output %s is a directory; give a file name", path)
		}
		if !fi.Mode().IsRegular() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return nil, err
			}
			return &File{f: f, path: path}, nil
		}
		mode = fi.Mode().Perm()
		if real, err := filepath.EvalSymlinks(path); err == nil {
			dest = real
		}
	}
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	return &File{f: f, path: dest, tmp: f.Name(), mode: mode}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// WriteAt writes at an offset of the temporary file (some writers, such as
// the XLSX one, need io.WriterAt).
func (f *File) WriteAt(p []byte, off int64) (int, error) { return f.f.WriteAt(p, off) }

// Name is the destination's name.
func (f *File) Name() string { return f.path }

// Commit flushes and closes the temporary file and renames it to the
// destination, replacing what was there.
func (f *File) Commit() error {
	if f.done {
		return errors.New("outfile: " + f.path + " already committed or aborted")
	}
	f.done = true
	if f.tmp == "" {
		return f.f.Close()
	}
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.tmp, f.mode)
	}
	if err == nil {
		err = os.Rename(f.tmp, f.path)
	}
	if err != nil {
		os.Remove(f.tmp)
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	return nil
}

// Abort discards the temporary file; the destination is untouched. It is a
// no-op after Commit, so it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	if f.tmp != "" {
		os.Remove(f.tmp)
	}
}

// Write creates path with Create, lets write fill it and commits it; when
// write fails the destination is untouched.
func Write(path string, write func(io.Writer) error, inputs ...string) error {
	f, err := Create(path, inputs...)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// WriteFile writes data to path as Write does.
func WriteFile(path string, data []byte, inputs ...string) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, inputs...)
}
