package server

import (
	"io"
	"net/http"
	"time"
)

// MinBatchRate is the slowest transfer a batch keeps its connection at, in
// bytes a second each way. A batch's read deadline is
//
//	start + ReadTimeout + (body bytes read) / MinBatchRate
//
// and its write deadline the same with WriteTimeout and the answer's bytes:
// the server's fixed timeouts alone would cut a legal batch near the body
// cap on a busy machine, while a client slower than this still meets its
// deadline (a stalled or trickling client cannot hold a batch slot).
const MinBatchRate = 64 << 10

// pace moves a batch's connection deadlines on as its bytes flow.
type pace struct {
	rc                  *http.ResponseController
	start               time.Time
	readBase, writeBase time.Duration // ReadTimeout and WriteTimeout
	read, wrote         int64
}

func (p *pace) deadline(base time.Duration, n int64) time.Time {
	return p.start.Add(base + time.Duration(n)*time.Second/MinBatchRate)
}

// pacedBody reads a request body, extending the read deadline.
type pacedBody struct {
	r io.Reader
	p *pace
}

func (b pacedBody) Read(buf []byte) (int, error) {
	n, err := b.r.Read(buf)
	b.p.read += int64(n)
	_ = b.p.rc.SetReadDeadline(b.p.deadline(b.p.readBase, b.p.read))
	return n, err
}

// flushWriter writes the answer of a batch as it is produced, extending
// the write deadline.
type flushWriter struct {
	w io.Writer
	p *pace
}

func (f flushWriter) Write(b []byte) (int, error) {
	f.p.wrote += int64(len(b))
	_ = f.p.rc.SetWriteDeadline(f.p.deadline(f.p.writeBase, f.p.wrote))
	n, err := f.w.Write(b)
	if err == nil {
		err = f.p.rc.Flush()
	}
	return n, err
}
