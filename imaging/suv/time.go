package suv

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Moment is a point in time as a day number and seconds of that day, so
// that differences keep microsecond precision (an epoch in seconds as one
// float64 would not).
type Moment struct {
	Day int64   // days since 1970-01-01
	Sec float64 // seconds since midnight, may exceed 86400 or be negative after arithmetic
}

// Sub returns m - o in seconds.
func (m Moment) Sub(o Moment) float64 { return float64(m.Day-o.Day)*86400 + (m.Sec - o.Sec) }

// Add returns m + s seconds.
func (m Moment) Add(s float64) Moment { return Moment{m.Day, m.Sec + s} }

// Format writes m as ISO 8601 with microseconds, "2025-03-10T10:07:30.250000".
func (m Moment) Format() string {
	us := int64(math.RoundToEven(m.Sec * 1e6))
	day := m.Day + floorDiv(us, 86400e6)
	us -= floorDiv(us, 86400e6) * 86400e6
	t := time.Unix(day*86400+us/1e6, 0).UTC()
	return fmt.Sprintf("%s.%06d", t.Format("2006-01-02T15:04:05"), us%1e6)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// ParseDate reads a DICOM DA value, YYYYMMDD (also YYYY-MM-DD or YYYY.MM.DD).
func ParseDate(s string) (day int64, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("-", "", ".", "").Replace(s)
	if len(s) != 8 {
		return 0, false
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return 0, false
	}
	return t.Unix() / 86400, true
}

// ParseTime reads a DICOM TM value, HHMMSS.ffffff with optional trailing
// parts (HH, HHMM), or the old HH:MM:SS form; it returns seconds since midnight.
func ParseTime(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, ":", "")
	if len(s) < 2 {
		return 0, false
	}
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i:]
	}
	if len(s) != 2 && len(s) != 4 && len(s) != 6 {
		return 0, false
	}
	var hms [3]int
	for i := 0; i < len(s)/2; i++ {
		v, err := strconv.Atoi(s[2*i : 2*i+2])
		if err != nil || v < 0 {
			return 0, false
		}
		hms[i] = v
	}
	if hms[0] > 24 || hms[1] > 59 || hms[2] > 60 {
		return 0, false
	}
	sec := float64(hms[0]*3600 + hms[1]*60 + hms[2])
	if frac != "" && frac != "." {
		f, err := strconv.ParseFloat("0"+frac, 64)
		if err != nil {
			return 0, false
		}
		sec += f
	}
	return sec, true
}

// ParseDateTime reads a DICOM DT value, YYYYMMDDHHMMSS.ffffff with an
// optional &ZZXX offset, which is ignored (every time of one series is in
// the same zone).
func ParseDateTime(s string) (Moment, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "+-"); i >= 8 {
		s = s[:i]
	}
	if len(s) < 8 {
		return Moment{}, false
	}
	day, ok := ParseDate(s[:8])
	if !ok {
		return Moment{}, false
	}
	if len(s) == 8 {
		return Moment{day, 0}, true
	}
	sec, ok := ParseTime(s[8:])
	if !ok {
		return Moment{}, false
	}
	return Moment{day, sec}, true
}
