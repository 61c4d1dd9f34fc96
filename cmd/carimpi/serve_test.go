package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testModelFile is a CAR-IMPI model file with made-up coefficients and a
// PFS baseline survival.
const testModelFile = `{"schema": "carimpi-model", "schema_version": 1, "id": "car-impi", "name": "CAR-IMPI", "version": "test",
 "knot": 44.3, "coefficients": {"mtv": 0.0149, "mtv_above_knot": -0.0062, "age": 0.012, "stage2": 0.1, "stage3": 0.3, "stage4": 0.5},
 "baseline_survival": [{"endpoint": "pfs", "times": [6, 12, 24], "survival": [0.7, 0.6, 0.5]}]}`

func TestServeErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schema_version": 99}`), 0o644)
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(testModelFile), 0o644)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"serve", "--model", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{[]string{"serve", "--model", bad}, 1, "schema_version"},
		{[]string{"serve", "--model", good, "--model", good}, 2, "both model"},
		{[]string{"serve", "--cors-origin", "*"}, 2, "--cors-origin"},
		{[]string{"serve", "--max-body", "0"}, 2, "-max-body: give a whole number from 1 to 1073741824"},
		{[]string{"serve", "--addr", "127.0.0.1:99999"}, 1, "99999"},
	}
	for _, tt := range tests {
		_, errOut, code := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.msg)
		}
	}
}

// TestServeShutdown starts the server on an ephemeral loopback port with a
// model file and a token, scores a patient, and stops it as SIGTERM would
// (by cancelling its context): runServe returns nil after a graceful
// shutdown.
func TestServeShutdown(t *testing.T) {
	model := filepath.Join(t.TempDir(), "model.json")
	os.WriteFile(model, []byte(testModelFile), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, serveFlags{addr: "127.0.0.1:0", models: []string{model}, token: "tok", maxBody: 1 << 20}, pw)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base string
	for sc.Scan() {
		if _, after, ok := strings.Cut(sc.Text(), "listening on "); ok {
			base = strings.TrimSuffix(strings.Fields(after)[0], "/")
			break
		}
	}
	if base == "" {
		t.Fatal("no listening line")
	}
	go io.Copy(io.Discard, pr) // the access log
	req, _ := http.NewRequest("POST", base+"/api/v1/score", strings.NewReader(`{"age":64,"stage":3,"mtv_ml":120}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		CARIMPI  *float64 `json:"car_impi"`
		Survival []struct {
			Model, Endpoint string
			Available       bool
		}
	}
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != 200 || got.CARIMPI == nil || len(got.Survival) == 0 || !got.Survival[0].Available {
		t.Errorf("score: %d %+v", resp.StatusCode, got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no shutdown")
	}
}
