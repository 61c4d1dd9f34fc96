// Package render renders carimpi's results for people: self-contained SVG
// figures (Kaplan-Meier curves with number-at-risk tables, stacked bars)
// and HTML. It takes plain values and knows nothing of how they were
// computed, so the same figures serve the study report and the server.
package render
