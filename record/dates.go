package record

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"carimpi/table"
)

// DateRole is a column of dates from which the survival times are computed
// (days / DaysPerMonth):
//
//	os  = death (event) or last follow-up (censored), minus infusion
//	pfs = the earlier of progression and death (event), else last follow-up
//
// A column map sends a date column to one of these names instead of
// pfs_months/pfs_event/os_months/os_event.
type DateRole int

// The date roles.
const (
	InfusionDate DateRole = iota
	ProgressionDate
	DeathDate
	LastFollowUpDate
	numDateRoles
)

var dateRoleNames = [numDateRoles]string{"infusion_date", "progression_date", "death_date", "last_followup_date"}

func (d DateRole) String() string { return dateRoleNames[d] }

// DateOrder says how slash dates such as 03/04/2021 are read.
type DateOrder string

const (
	DateAuto DateOrder = ""    // only dates that read one way are accepted
	DateDMY  DateOrder = "dmy" // 03/04/2021 is 3 April
	DateMDY  DateOrder = "mdy" // 03/04/2021 is 4 March
)

// errAmbiguousDate marks a date such as 03/04/2021 that reads both as
// day/month and month/day.
var errAmbiguousDate = errors.New("ambiguous date")

// excelEpoch is day 0 of Excel's 1900 date system as used since Excel 97.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date as ISO 8601 (2021-04-03, optionally with a time),
// dotted day.month.year (03.04.2021), slash dates in the given order, or
// an Excel serial day number (an XLSX date cell). It returns days since
// 1970-01-01.
func parseDate(s string, order DateOrder) (float64, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' {
		t, err := time.Parse("2006-01-02", s[:10])
		if err != nil {
			return 0, err
		}
		return unixDays(t), nil
	}
	if strings.Count(s, ".") == 2 {
		t, err := time.Parse("2.1.2006", s)
		if err != nil {
			return 0, err
		}
		return unixDays(t), nil
	}
	if strings.Count(s, "/") == 2 {
		parts := strings.Split(s, "/")
		a, err1 := strconv.Atoi(parts[0])
		b, err2 := strconv.Atoi(parts[1])
		y, err3 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil || len(parts[2]) != 4 {
			return 0, errors.New("not a date")
		}
		switch {
		case a > 12 && b > 12:
			return 0, errors.New("not a date")
		case order == DateDMY, order == DateAuto && a > 12 && b <= 12:
			a, b = b, a
		case order == DateMDY, order == DateAuto && b > 12 && a <= 12:
		default:
			return 0, errAmbiguousDate
		}
		t := time.Date(y, time.Month(a), b, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(a) || t.Day() != b {
			return 0, errors.New("not a date")
		}
		return unixDays(t), nil
	}
	if v, err := table.ParseFloat(s, false); err == nil && v > 0 && v < 2958466 {
		return unixDays(excelEpoch) + math.Floor(v), nil
	}
	return 0, errors.New("not a date")
}

func unixDays(t time.Time) float64 { return float64(t.Unix() / 86400) }

// dates holds one row's dates (days since 1970, NaN when empty) and
// whether a cell could not be read.
type dates struct {
	day        [numDateRoles]float64
	unreadable [numDateRoles]bool
	source     [numDateRoles]string
}

func (d *dates) reset() {
	for i := range d.day {
		d.day[i], d.unreadable[i] = math.NaN(), false
	}
}

// read reads one date cell.
func (d *dates) read(c *Column, cell string, order DateOrder) Issue {
	if isMissing(cell) {
		return Issue{}
	}
	v, err := parseDate(cell, order)
	role := c.Date.String()
	switch {
	case errors.Is(err, errAmbiguousDate):
		d.unreadable[c.Date] = true
		return Issue{Field: role, Column: c.Source, Value: cell, Severity: SeverityError, Message: fmt.Sprintf("%s %q is ambiguous: day/month or month/day?", role, cell),
			Fix: "declare the date order (--date-order dmy or mdy, or \"date_order\" in the column map), or write dates as YYYY-MM-DD"}
	case err != nil:
		d.unreadable[c.Date] = true
		return Issue{Field: role, Column: c.Source, Value: cell, Severity: SeverityError, Message: fmt.Sprintf("%s %q is not a date", role, cell),
			Fix: "write dates as YYYY-MM-DD (also read: DD.MM.YYYY, and DD/MM/YYYY or MM/DD/YYYY with a declared order)"}
	}
	d.day[c.Date] = v
	return Issue{}
}

// outcomes computes PFS and OS in months from the row's dates. An
// unreadable progression or death date never turns an event into
// censoring: the endpoints it decides are left missing, with the reason.
func (d *dates) outcomes(r *Record, issues []Issue) []Issue {
	inf, prog, death, last := d.day[InfusionDate], d.day[ProgressionDate], d.day[DeathDate], d.day[LastFollowUpDate]
	add := func(role DateRole, sev, msg, fix string) {
		issues = append(issues, Issue{Field: role.String(), Column: d.source[role], Severity: sev, Message: msg, Fix: fix})
	}
	if d.unreadable[InfusionDate] {
		add(InfusionDate, SeverityError, "the infusion date cannot be read: PFS and OS are left missing (the patient is left out of both endpoints)", "correct the infusion date")
		return issues
	}
	if math.IsNaN(inf) {
		if !math.IsNaN(prog) || !math.IsNaN(death) || !math.IsNaN(last) {
			add(InfusionDate, SeverityError, "event dates without an infusion date: PFS and OS cannot be computed", "fill in the infusion date")
		}
		return issues
	}
	for _, role := range []DateRole{ProgressionDate, DeathDate, LastFollowUpDate} {
		if d.day[role] < inf {
			add(role, SeverityError, role.String()+" is before the infusion date: PFS and OS are left missing", "check the date and the infusion date (times cannot be negative)")
			return issues
		}
	}
	if prog > death {
		add(ProgressionDate, SeverityError, "progression date is after the death date: PFS and OS are left missing", "check both dates")
		return issues
	}
	if last > death {
		add(LastFollowUpDate, SeverityWarning, "last follow-up is after the death date; the death date is used", "check both dates")
	}
	osKnown := !d.unreadable[DeathDate]
	pfsKnown := osKnown && !d.unreadable[ProgressionDate]
	if !osKnown {
		add(DeathDate, SeverityError, "the death date cannot be read: the patient is left out of OS and PFS analyses (an unreadable death is not censoring)", "correct the death date")
	} else if !pfsKnown {
		add(ProgressionDate, SeverityError, "the progression date cannot be read: the patient is left out of PFS analyses (an unreadable progression is not censoring)", "correct the progression date")
	}
	if osKnown {
		switch {
		case !math.IsNaN(death):
			r.OSMonths, r.OSEvent = (death-inf)/DaysPerMonth, 1
		case !math.IsNaN(last):
			r.OSMonths, r.OSEvent = (last-inf)/DaysPerMonth, 0
		}
	}
	if pfsKnown {
		switch {
		case !math.IsNaN(prog):
			r.PFSMonths, r.PFSEvent = (prog-inf)/DaysPerMonth, 1
		case !math.IsNaN(death):
			r.PFSMonths, r.PFSEvent = (death-inf)/DaysPerMonth, 1
		case !math.IsNaN(last):
			r.PFSMonths, r.PFSEvent = (last-inf)/DaysPerMonth, 0
		}
	}
	if osKnown && pfsKnown && math.IsNaN(r.OSMonths) {
		add(LastFollowUpDate, SeverityWarning, "neither a death nor a last follow-up date: OS and PFS are missing", "fill in the last follow-up date")
	}
	return issues
}
