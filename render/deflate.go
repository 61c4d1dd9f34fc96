package render

import (
	"encoding/binary"
	"io"
	"math/bits"
)

// runDeflate writes a zlib stream (RFC 1950) holding one deflate block
// with the fixed Huffman codes (RFC 1951, 3.2.6) whose only matches are
// runs: bytes that repeat the bytes three before them. After the PNG Up
// filter a figure's rows are mostly zeros (the pixel above is the same)
// and short stretches where one colour continues along a row (a line,
// a bar): a run of distance 3 covers both, one 13-bit code per 258
// bytes. This is zlib's Z_RLE strategy with a pixel's distance; it
// compresses a figure to about its image/png size at a fraction of the
// work of a general deflate, which searches a hash of every position.
type runDeflate struct {
	w      io.Writer
	out    []byte
	acc    uint64 // bits not yet in out, LSB first
	nacc   uint
	s1, s2 uint64  // Adler-32 of the bytes so far, reduced per row
	tail   [3]byte // the last three bytes written
	n      int     // bytes written so far
	err    error
}

// Fixed Huffman codes, bit-reversed for the LSB-first stream: lit[v] for
// literal v; runCode[l] for a length l (3..258) with its extra bits and
// distance 3 (distance code 2, no extra bits); eob ends the block.
var (
	lit     [256]struct{ bits, n uint32 }
	runCode [259]struct{ bits, n uint32 }
)

func init() {
	rev := func(code, n uint32) uint32 { return bits.Reverse32(code) >> (32 - n) }
	for v := range uint32(256) {
		if v < 144 {
			lit[v].bits, lit[v].n = rev(0x30+v, 8), 8
		} else {
			lit[v].bits, lit[v].n = rev(0x190+v-144, 9), 9
		}
	}
	// Length symbols 257..285: base length and extra bits.
	base := []uint32{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	extra := []uint32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	for l := uint32(3); l <= 258; l++ {
		s := 0
		for s+1 < len(base) && base[s+1] <= l && (base[s+1] != 258 || l == 258) {
			s++
		}
		sym := 257 + uint32(s)
		var code, n uint32
		if sym < 280 {
			code, n = rev(sym-256, 7), 7
		} else {
			code, n = rev(0xC0+sym-280, 8), 8
		}
		b := code | (l-base[s])<<n
		n += extra[s]
		b |= rev(2, 5) << n // distance 3
		runCode[l].bits, runCode[l].n = b, n+5
	}
}

func newRunDeflate(w io.Writer) *runDeflate {
	z := &runDeflate{w: w, out: make([]byte, 0, 1<<16), s1: 1}
	z.out = append(z.out, 0x78, 0x01) // deflate, 32 KiB window, fastest
	z.put(3, 3)                       // last block, fixed codes
	return z
}

func (z *runDeflate) put(b uint64, n uint) {
	z.acc |= b << z.nacc
	z.nacc += n
	if z.nacc >= 32 {
		z.out = binary.LittleEndian.AppendUint32(z.out, uint32(z.acc))
		z.acc >>= 32
		z.nacc -= 32
		if len(z.out) >= 1<<16 {
			z.flush()
		}
	}
}

func (z *runDeflate) flush() {
	if z.err == nil && len(z.out) > 0 {
		_, z.err = z.w.Write(z.out)
	}
	z.out = z.out[:0]
}

// Write compresses p, in pieces of at most 256 MB (the checksum's sums
// are reduced after each piece); a PNG writes a row at a time. Runs may
// reach back into the bytes before p but do not cross its end.
func (z *runDeflate) Write(p []byte) (int, error) {
	s1, s2 := z.s1, z.s2
	for i := 0; i < len(p); {
		l := z.runAt(p, i)
		if l < 3 {
			v := p[i]
			z.put(uint64(lit[v].bits), uint(lit[v].n))
			s1 += uint64(v)
			s2 += s1
			i++
			continue
		}
		// The run repeats the three bytes before it: Adler-32 adds s1
		// to s2 per byte when they are zeros.
		if z.before(p, i, 3) == 0 && z.before(p, i, 2) == 0 && z.before(p, i, 1) == 0 {
			s2 += uint64(l) * s1
		} else {
			for _, v := range p[i : i+l] {
				s1 += uint64(v)
				s2 += s1
			}
		}
		for l > 0 {
			m := min(l, 258)
			if r := l - m; r > 0 && r < 3 { // leave a run of 3 or more
				m = l - 3
			}
			z.put(uint64(runCode[m].bits), uint(runCode[m].n))
			l -= m
			i += m
		}
	}
	z.s1, z.s2 = s1%65521, s2%65521
	z.n += len(p)
	if len(p) >= 3 {
		copy(z.tail[:], p[len(p)-3:])
	} else {
		copy(z.tail[:], append(z.tail[len(p):], p...))
	}
	return len(p), z.err
}

// before is the byte k places before p[i], in p or in the bytes written
// before p.
func (z *runDeflate) before(p []byte, i, k int) byte {
	if i >= k {
		return p[i-k]
	}
	return z.tail[3-k+i]
}

// runAt is the length of the run at p[i]: how many bytes from p[i] on
// equal the byte three before them.
func (z *runDeflate) runAt(p []byte, i int) int {
	if z.n+i < 3 {
		return 0
	}
	l := 0
	for ; i+l < len(p) && i+l < 3; l++ {
		if p[i+l] != z.before(p, i+l, 3) {
			return l
		}
	}
	for i+l+8 <= len(p) && binary.LittleEndian.Uint64(p[i+l:]) == binary.LittleEndian.Uint64(p[i+l-3:]) {
		l += 8
	}
	for i+l < len(p) && p[i+l] == p[i+l-3] {
		l++
	}
	return l
}

// Close ends the block and writes the Adler-32 checksum.
func (z *runDeflate) Close() error {
	z.put(0, 7) // end of block
	for z.nacc > 0 {
		z.out = append(z.out, byte(z.acc))
		z.acc >>= 8
		z.nacc -= min(z.nacc, 8)
	}
	z.out = binary.BigEndian.AppendUint32(z.out, uint32(z.s2<<16|z.s1))
	z.flush()
	return z.err
}
