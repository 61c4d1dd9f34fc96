package scores_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"carimpi/record"
	"carimpi/scores"
)

// genCSV is a reader of n synthetic patient rows with every field (all 14
// InflaMix labs), made by repeating a block of 1024 random rows (seed 1),
// so that the input is streamed and memory stays bounded.
type genCSV struct {
	block []byte
	rows  int // rows per block
	n     int // rows left
	buf   []byte
}

func newGenCSV(n int) *genCSV {
	rng := rand.New(rand.NewPCG(1, 0))
	var b bytes.Buffer
	var head []string
	head = append(head, "patient_id")
	infos := scoreInputs()
	for _, f := range infos {
		head = append(head, f.Name)
	}
	g := &genCSV{rows: 1024, n: n}
	for i := 0; i < g.rows; i++ {
		fmt.Fprintf(&b, "p%d", i)
		for _, f := range infos {
			var v float64
			switch {
			case f.DefaultULN != 0:
				v = f.DefaultULN
			case f.Integer:
				v = float64(int(f.Min) + rng.IntN(int(f.Max-f.Min)+1))
				if f.Name == "extranodal_sites" {
					v = float64(rng.IntN(4))
				}
			case f.Name == "age":
				v = 20 + 60*rng.Float64()
			case f.Name == "mtv_ml":
				v = 1000 * rng.ExpFloat64() / 5
			default:
				v = f.PlausibleMin + (f.PlausibleMax-f.PlausibleMin)/50*rng.Float64() // plausible values: no warning text to write
			}
			fmt.Fprintf(&b, ",%.4g", v)
		}
		b.WriteByte('\n')
	}
	g.block = b.Bytes()
	g.buf = []byte(fmt.Sprintf("%s\n", joinComma(head)))
	return g
}

// scoreInputs describes the fields that some model uses.
func scoreInputs() []record.Info {
	used := map[string]bool{}
	for _, m := range scores.NewScorer().Models() {
		for _, in := range m.Inputs {
			used[in.Field] = true
		}
	}
	var out []record.Info
	for _, in := range record.Infos() {
		if used[in.Name] {
			out = append(out, in)
		}
	}
	return out
}

func joinComma(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

func (g *genCSV) Read(p []byte) (int, error) {
	if len(g.buf) == 0 {
		if g.n <= 0 {
			return 0, io.EOF
		}
		if g.n >= g.rows {
			g.buf = g.block
			g.n -= g.rows
		} else {
			// The first n lines of the block.
			end := 0
			for i := 0; i < g.n; i++ {
				end += bytes.IndexByte(g.block[end:], '\n') + 1
			}
			g.buf = g.block[:end]
			g.n = 0
		}
	}
	k := copy(p, g.buf)
	g.buf = g.buf[k:]
	return k, nil
}

// BenchmarkBatch scores 1e6 streamed CSV rows with all 14 labs and writes
// CSV or JSON to io.Discard (parse, check, score, format), reporting
// rows/s.
func BenchmarkBatch(b *testing.B) {
	const n = 1_000_000
	s := scores.NewScorer()
	for _, format := range []string{"csv", "json"} {
		b.Run(format, func(b *testing.B) {
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				rd, err := record.NewCSVReader(newGenCSV(n), "gen.csv", record.Options{})
				if err != nil {
					b.Fatal(err)
				}
				sum, err := s.Batch(rd, io.Discard, scores.BatchOptions{Format: format})
				if err != nil || sum.Rows != n || len(sum.Errors) != 0 {
					b.Fatalf("rows %d, errors %v, %v", sum.Rows, len(sum.Errors), err)
				}
			}
			rows := float64(n) * float64(b.N)
			b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/rows, "cpu-ns/row")
		})
	}
}

// BenchmarkRow scores one parsed patient with all 14 labs (no I/O).
func BenchmarkRow(b *testing.B) {
	s := scores.NewScorer()
	rd, err := record.NewCSVReader(newGenCSV(1024), "gen.csv", record.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var pats []record.Record
	record.Stream(rd, 1, nil, func(row *record.Row, _ *struct{}) error {
		pats = append(pats, row.Record)
		return nil
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Row(&pats[i%len(pats)])
	}
}
