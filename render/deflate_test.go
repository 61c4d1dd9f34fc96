package render

import (
	"bytes"
	"compress/zlib"
	"io"
	"math/rand/v2"
	"testing"
)

// TestRunDeflate compresses data with long and short runs of zeros and of
// repeated three-byte pixels, random stretches and runs across the pieces
// it is written in (pieces of 1 to 5000 bytes), and inflates it with
// compress/zlib (which checks the Adler-32): the bytes come back.
func TestRunDeflate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var data []byte
	for len(data) < 1<<20 {
		switch rng.IntN(4) {
		case 0:
			data = append(data, make([]byte, rng.IntN(2000))...)
		case 1:
			px := []byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())}
			for range rng.IntN(300) {
				data = append(data, px...)
			}
		case 2:
			for range rng.IntN(50) {
				data = append(data, byte(rng.Uint32()))
			}
		case 3:
			data = append(data, 0, 0, 7, 0, 0, 7, 0) // runs shorter than 3 and of exactly 3
		}
	}
	for _, piece := range []int{1, 2, 3, 4, 257, 5000} {
		var buf bytes.Buffer
		z := newRunDeflate(&buf)
		for p := data; len(p) > 0; {
			k := min(piece+rng.IntN(3), len(p))
			if _, err := z.Write(p[:k]); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := zlib.NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("pieces of %d: %v", piece, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("pieces of %d: inflated %d bytes differ from the %d written", piece, len(got), len(data))
		}
	}
	var empty bytes.Buffer
	z := newRunDeflate(&empty)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if r, err := zlib.NewReader(&empty); err != nil {
		t.Fatal(err)
	} else if got, err := io.ReadAll(r); err != nil || len(got) != 0 {
		t.Fatalf("empty stream: %q, %v", got, err)
	}
}
