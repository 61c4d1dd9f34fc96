package server

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// Notice is carried by every JSON response and shown on the page.
const Notice = "For research use only; not a medical device."

// FieldError is a problem with one input field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error  string       `json:"error"`
	Fields []FieldError `json:"fields,omitempty"`
	Notice string       `json:"notice"`
}

// writeError answers with status and a JSON error body naming the fields at
// fault, if any.
func writeError(w http.ResponseWriter, status int, msg string, fields []FieldError) {
	writeJSON(w, status, errorBody{Error: msg, Fields: fields, Notice: Notice})
}

// writeJSON writes v as a JSON response with status, or a 500 when v
// cannot be encoded.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b.Reset()
		enc.Encode(errorBody{Error: "encoding the answer: " + err.Error(), Notice: Notice})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// The status line is out; a write error can only be a broken
	// connection, which the access log shows.
	w.Write(b.Bytes())
}
