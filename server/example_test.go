package server_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"

	"carimpi/scores"
	"carimpi/server"
)

// A patient is a JSON object keyed by the data dictionary's columns; the
// answer carries the row of "carimpi batch" plus survival, bands and
// provenance. CAR-IMPI needs a model file (--model), so without one it is
// null and its survival is "not available".
func ExampleNew() {
	h, err := server.New(server.Config{Scorer: scores.NewScorer(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", "/api/v1/score", strings.NewReader(
		`{"age": 64, "stage": 3, "mtv_ml": 120, "ecog": 1, "extranodal_sites": 2, "ldh": 310, "ldh_uln": 250}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	var ans struct {
		IMPI     float64  `json:"impi"`
		CARIMPI  *float64 `json:"car_impi"`
		IPI      float64  `json:"ipi"`
		IPIGroup string   `json:"ipi_group"`
		Survival []struct {
			Model, Endpoint, Note string
		} `json:"survival"`
		Notice string `json:"notice"`
	}
	json.Unmarshal(rec.Body.Bytes(), &ans)
	fmt.Println(rec.Code, rec.Header().Get("X-Research-Notice"))
	fmt.Printf("IMPI %.4f, CAR-IMPI %v, IPI %g (%s)\n", ans.IMPI, ans.CARIMPI, ans.IPI, ans.IPIGroup)
	fmt.Println(ans.Survival[2].Model, ans.Survival[2].Endpoint+":", ans.Survival[2].Note)
	// Output:
	// 200 For research use only; not a medical device.
	// IMPI 1.1683, CAR-IMPI <nil>, IPI 4 (high)
	// impi pfs: not available: model has no baseline survival
}
