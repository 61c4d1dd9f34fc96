package render

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
	"math"
)

// encodePNG writes an opaque image as an 8-bit RGB PNG (colour type 2)
// with its resolution (pHYs) in dots per inch. A figure's canvas starts
// white and every drawing call composites over it, so it is opaque; the
// alpha channel is dropped, as image/png does for opaque images, and the
// pixels decode the same.
//
// Why not image/png: it tries all five row filters on every row and keeps
// the one with the smallest sum of absolute values, then deflates with a
// general match search, most of the time of a 300 dpi figure. A figure is
// mostly flat colour that repeats row to row, so the Up filter alone
// (each byte minus the byte above it, PNG spec 9.2) turns nearly every
// row into zeros and runs of one pixel, which runDeflate codes as runs.
func encodePNG(w io.Writer, img *image.RGBA, dpi int) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("\x89PNG\r\n\x1a\n")
	var hdr [13]byte
	binary.BigEndian.PutUint32(hdr[0:], uint32(width))
	binary.BigEndian.PutUint32(hdr[4:], uint32(height))
	hdr[8], hdr[9] = 8, 2 // 8 bits, RGB; compression, filter, interlace 0
	writeChunk(bw, "IHDR", hdr[:])
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	var phys [9]byte
	binary.BigEndian.PutUint32(phys[0:], ppm)
	binary.BigEndian.PutUint32(phys[4:], ppm)
	phys[8] = 1 // unit: metre
	writeChunk(bw, "pHYs", phys[:])

	idat := &idatWriter{w: bw, buf: make([]byte, 0, 1<<16)}
	z := newRunDeflate(idat)
	row := make([]byte, 1+3*width)
	row[0] = 2 // filter type Up
	var prev []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		cur := img.Pix[img.PixOffset(b.Min.X, y):][:4*width]
		out := row[1:]
		if prev == nil {
			for i := 0; i < width; i++ {
				out[3*i], out[3*i+1], out[3*i+2] = cur[4*i], cur[4*i+1], cur[4*i+2]
			}
		} else {
			// Most pixels equal the one above: compare two at a time
			// and subtract only where they differ.
			clear(out)
			for i := 0; i < width; i += 2 {
				if i+2 <= width && binary.LittleEndian.Uint64(cur[4*i:]) == binary.LittleEndian.Uint64(prev[4*i:]) {
					continue
				}
				for k := i; k < min(i+2, width); k++ {
					out[3*k] = cur[4*k] - prev[4*k]
					out[3*k+1] = cur[4*k+1] - prev[4*k+1]
					out[3*k+2] = cur[4*k+2] - prev[4*k+2]
				}
			}
		}
		if _, err := z.Write(row); err != nil {
			return err
		}
		prev = cur
	}
	if err := z.Close(); err != nil {
		return err
	}
	idat.flush()
	writeChunk(bw, "IEND", nil)
	return bw.Flush() // the first error of any write

}

// writeChunk writes one PNG chunk: length, type, data, CRC of type and
// data.
func writeChunk(w *bufio.Writer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	w.WriteString(typ)
	w.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// idatWriter cuts the compressed stream into IDAT chunks of 64 KiB; the
// bufio.Writer keeps the first write error for the final Flush.
type idatWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (c *idatWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), cap(c.buf)-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == cap(c.buf) {
			c.flush()
		}
	}
	return n, nil
}

func (c *idatWriter) flush() {
	if len(c.buf) > 0 {
		writeChunk(c.w, "IDAT", c.buf)
		c.buf = c.buf[:0]
	}
}
