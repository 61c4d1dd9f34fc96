//go:build race

package main

// raceDetector: memory bounds do not hold under the race detector, which
// multiplies a program's memory several times.
const raceDetector = true
