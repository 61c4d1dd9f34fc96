package mtv

import (
	"math"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dt "carimpi/imaging/internal/dicomtest"
)

// writeBenchSeries writes a whole-body-sized PET series: nz slices of n x n
// voxels (4 x 4 x 3 mm), Bq/mL int16 with per-slice slopes, a body cylinder
// (SUV 1), a liver (SUV 2) and 40 spheres of 10-37 mm (SUV 4.5-12).
func writeBenchSeries(b *testing.B, dir string, n, nz int) {
	const factor = 2.8e-4 // SUV per Bq/mL
	type sphere struct {
		c      [3]float64
		r, suv float64
	}
	var sph []sphere
	for s := 0; s < 40; s++ {
		fs := float64(s)
		sph = append(sph, sphere{[3]float64{-250 + 500*math.Mod(fs*0.618, 1), -150 + 300*math.Mod(fs*0.382, 1), 40 + float64(nz-30)*3*math.Mod(fs*0.7548, 1)},
			5 + math.Mod(fs*7.3, 13.5), 4.5 + math.Mod(fs*1.7, 7.5)})
	}
	slices := make([]dt.Slice, nz)
	var wg sync.WaitGroup
	for k := 0; k < nz; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			vals := make([]float64, n*n)
			z := float64(k) * 3
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					x, y := -398+4*float64(i), -398+4*float64(j)
					s := 0.0
					if x*x/300/300+y*y/200/200 <= 1 {
						s = 1
						if (x+100)*(x+100)+(y-20)*(y-20)+(z-600)*(z-600) < 90*90 {
							s = 2
						}
					}
					for _, p := range sph {
						if (x-p.c[0])*(x-p.c[0])+(y-p.c[1])*(y-p.c[1])+(z-p.c[2])*(z-p.c[2]) <= p.r*p.r {
							s = p.suv
						}
					}
					vals[j*n+i] = s / factor
				}
			}
			px, slope := dt.Quantize(vals)
			slices[k] = dt.Slice{PatientID: "BENCH", SeriesUID: "1.2.3.4", Rows: n, Cols: n, PixelSpacing: [2]float64{4, 4},
				IPP: [3]float64{-398, -398, z}, IOP: [6]float64{1, 0, 0, 0, 1, 0}, Slope: slope, Signed: true, Pixels: px,
				Extra: dt.PETModule("BQML", "ADMIN", 70, 70e3/factor, 6586.2, "20250101", "110000", "110000", "100000")}
		}(k)
	}
	wg.Wait()
	if err := dt.Write(dir, slices); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPipeline16M reads a 16-million-voxel series (400 slices of
// 200 x 200) from files on disk and runs SUV, suv4 labelling, SUVpeak and
// Dmax. It reports the peak live heap in MB and as a multiple of the
// image's float32 size (64 MB).
func BenchmarkPipeline16M(b *testing.B) {
	const n, nz = 200, 400
	dir := b.TempDir()
	writeBenchSeries(b, dir, n, nz)
	// Peak: the most heap in use above the level after a collection that
	// precedes each run (an upper bound of the live peak: garbage made during
	// the run counts too).
	var base, peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Microsecond):
			}
			metrics.Read(s)
			if v, b0 := s[0].Value.Uint64(), base.Load(); v > b0 && v-b0 > peak.Load() {
				peak.Store(v - b0)
			}
		}
	}()
	lesions := 0
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		metrics.Read(sample)
		base.Store(sample[0].Value.Uint64())
		b.StartTimer()
		img, err := LoadDICOM(dir)
		if err != nil {
			b.Fatal(err)
		}
		res, _, err := Run(img, Options{Method: "suv4"})
		if err != nil {
			b.Fatal(err)
		}
		lesions = res.NLesions
	}
	b.StopTimer()
	close(stop)
	<-done
	mb := float64(peak.Load()) / (1 << 20)
	b.ReportMetric(mb, "peak-MB")
	b.ReportMetric(mb/(float64(n*n*nz)*4/(1<<20)), "x-float32")
	b.ReportMetric(float64(lesions), "lesions")
}
