// Command loadtest measures the latency of carimpi's POST /api/v1/score at a
// fixed request rate, against a server on the loopback interface only.
//
//	go run ./bench/loadtest [-addr 127.0.0.1:8080] [-rate 1000] [-duration 10s]
//
// Without -addr it starts the API in-process on 127.0.0.1 (an ephemeral
// port), as "carimpi serve" would, and stops it at the end. Requests are sent
// open-loop: request i is due at start + i/rate whether or not earlier ones
// have finished, so a slow server shows up as latency, not as a lower rate.
// The run is bounded twice: at most rate×duration requests, and it stops
// after duration plus a grace period whatever is still in flight. Latency is
// measured from the moment a request was due (so queueing in the client
// counts against the server, avoiding coordinated omission) to the end of
// the response body, and also from the actual send (service time); p50 and
// p99 are nearest-rank quantiles. Client and server share the machine's
// cores, so other load on the machine shows in both.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"carimpi/scores"
	"carimpi/server"
)

// patient is a full record: every index, InflaMix with all 14 labs (when
// CARIMPI_INFLAMIX_MODEL names an InflaMix model; carimpi ships none).
const patient = `{"age":64,"stage":3,"mtv_ml":120,"ecog":1,"extranodal_sites":2,"nccn_extranodal":1,
"ldh":310,"ldh_uln":250,"crp":2.1,"crp_uln":0.8,"ferritin":900,"ferritin_uln":415,"hb":10.2,"hb_uln":17,
"plt":140,"plt_uln":400,"anc":1.5,"creatinine":0.9,"albumin":3.6,"albumin_uln":5.2,"alp":110,"alp_uln":129,
"ast":30,"ast_uln":37,"tbili":0.6,"tbili_uln":1.2,"wbc":5.1,"wbc_uln":11,"il6":12,"il6_uln":5,"il10":9,"il10_uln":18,
"tnfa":14,"tnfa_uln":22,"ddimer":1.2,"ddimer_uln":0.5}`

func main() {
	addr := flag.String("addr", "", "host:port of a running carimpi serve on loopback (default: start one in-process)")
	rate := flag.Int("rate", 1000, "requests per second")
	dur := flag.Duration("duration", 10*time.Second, "how long to send")
	workers := flag.Int("workers", 64, "maximum requests in flight")
	flag.Parse()
	if err := run(*addr, *rate, *dur, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(addr string, rate int, dur time.Duration, workers int) error {
	if rate <= 0 || dur <= 0 || workers <= 0 || dur > 5*time.Minute {
		return errors.New("need rate > 0, workers > 0 and 0 < duration <= 5m")
	}
	if addr == "" {
		stop, a, err := startServer()
		if err != nil {
			return err
		}
		defer stop()
		addr = a
	}
	if err := checkLoopback(addr); err != nil {
		return err
	}
	url := "http://" + addr + "/api/v1/score"
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers},
	}
	// Warm up connections and check the answer once.
	if err := send(client, url); err != nil {
		return fmt.Errorf("first request: %v", err)
	}

	total := int(float64(rate) * dur.Seconds())
	ctx, cancel := context.WithTimeout(context.Background(), dur+10*time.Second)
	defer cancel()
	due := make(chan time.Time, workers)
	lat := make([]time.Duration, 0, total) // from due time
	svc := make([]time.Duration, 0, total) // from the actual send
	var mu sync.Mutex
	var failed int
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range due {
				start := time.Now()
				err := send(client, url)
				end := time.Now()
				mu.Lock()
				if err != nil {
					failed++
				} else {
					lat = append(lat, end.Sub(t))
					svc = append(svc, end.Sub(start))
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	sent := 0
loop:
	for i := range total {
		t := start.Add(time.Duration(float64(i) / float64(rate) * float64(time.Second)))
		if w := time.Until(t); w > 0 {
			time.Sleep(w)
		}
		select {
		case due <- t:
			sent++
		case <-ctx.Done():
			break loop
		}
	}
	close(due)
	wg.Wait()
	elapsed := time.Since(start)

	slices.Sort(lat)
	slices.Sort(svc)
	fmt.Printf("target %s, %d req/s for %v, %d workers\n", url, rate, dur, workers)
	fmt.Printf("sent %d, ok %d, failed %d in %.2fs: achieved %.0f req/s\n",
		sent, len(lat), failed, elapsed.Seconds(), float64(len(lat))/elapsed.Seconds())
	if len(lat) > 0 {
		fmt.Printf("latency from due time: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
			ms(quantile(lat, 0.50)), ms(quantile(lat, 0.99)), ms(lat[len(lat)-1]))
		fmt.Printf("service time (send to last byte): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
			ms(quantile(svc, 0.50)), ms(quantile(svc, 0.99)), ms(svc[len(svc)-1]))
	}
	return nil
}

// send posts the patient and reads the whole answer.
func send(c *http.Client, url string) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader([]byte(patient)))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

// quantile is the nearest-rank p quantile of sorted d.
func quantile(d []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return d[max(i, 0)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// checkLoopback refuses any target that is not on this machine's loopback
// interface: a load test must never leave the host.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing %s: the load test targets loopback addresses only (127.0.0.0/8, ::1)", addr)
	}
	return nil
}

// startServer runs the API in-process on an ephemeral loopback port, with
// the same Server settings as "carimpi serve" and the access log discarded.
func startServer() (stop func(), addr string, err error) {
	sc := scores.NewScorer()
	if p := os.Getenv("CARIMPI_INFLAMIX_MODEL"); p != "" {
		if sc.InflaMix, err = scores.LoadInflaMixFile(p); err != nil {
			return nil, "", err
		}
	}
	h, err := server.New(server.Config{Scorer: sc, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := server.NewHTTPServer(ln.Addr().String(), h)
	go srv.Serve(ln)
	return func() { srv.Close() }, ln.Addr().String(), nil
}
